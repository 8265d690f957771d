"""`autovolt voice transcribe FILE [--campus FILE]`: a voice note or audio file to text, as one JSON object.

The grammar pass is Vosk when AUTOVOLT_VOSK_MODEL (or --vosk-model) names a model folder or language, else
PocketSphinx with its bundled English model; with --campus it is constrained to that campus's grammar, and what it
is not sure of goes to the open pass (AUTOVOLT_STT_URL's Wyoming server, AUTOVOLT_WHISPER_MODEL's Whisper).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from autovolt.cli import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("voice", help="speech: transcribe voice notes and audio files")
    sub = group.add_subparsers(dest="voice_command", metavar="ACTION")
    transcribe = sub.add_parser("transcribe", help="print {text, engine, audio_s, decode_s, confidence} as JSON")
    transcribe.add_argument("file", type=Path, help="OGG/Opus voice note, MP3, M4A or WAV (at most 60 s, 2 MB)")
    transcribe.add_argument("--campus", type=Path, help="campus registry YAML: constrain recognition to its grammar")
    transcribe.add_argument("--vosk-model", help="Vosk model folder or language code (default AUTOVOLT_VOSK_MODEL)")
    transcribe.set_defaults(func=_transcribe)
    group.set_defaults(func=lambda args: (group.print_help(), 2)[1])


def read_audio(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not an audio file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None


def speech_engine(vosk_model: str | None = None):
    """The process's engines (grammar pass, then Wyoming/Whisper as the settings say); the Vosk model named on the
    command line wins over AUTOVOLT_VOSK_MODEL."""
    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine as engines_from_settings
    from nlu.speech import ModelError

    try:
        return engines_from_settings(load_settings(), vosk_model)
    except ModelError as exc:
        raise UserError(str(exc)) from None


def campus_vocabulary(path: Path):
    from autovolt.vocabulary import vocabulary_from_campus
    from store.campus import CampusFileError, load_campus_file

    try:
        return vocabulary_from_campus(load_campus_file(path))
    except CampusFileError as exc:
        raise UserError(str(exc)) from None


def _transcribe(args: argparse.Namespace) -> int:
    from nlu.audio import AudioError
    from nlu.speech import SpeechError, transcribe_audio

    data = read_audio(args.file)
    vocabulary = campus_vocabulary(args.campus) if args.campus else None
    engine = speech_engine(args.vosk_model)
    try:
        transcript = transcribe_audio(data, engine, vocabulary)
    except (AudioError, SpeechError) as exc:
        raise UserError(f"{args.file}: {exc}") from None
    print(json.dumps(transcript.to_json(), ensure_ascii=False))
    return 0


def parse_audio(path: Path, vocabulary, now, vosk_model: str | None = None) -> str:
    """One JSON line: the command understood from the audio file, the transcript in `text`
    (used by `autovolt nlu parse --audio`)."""
    from nlu.audio import AudioError
    from nlu.speech import SpeechError
    from nlu.speech.understand import understand_voice

    data = read_audio(path)
    engine = speech_engine(vosk_model)
    try:
        result = understand_voice(data, engine, vocabulary, now=now)
    except (AudioError, SpeechError) as exc:
        raise UserError(f"{path}: {exc}") from None
    return result.command.to_json()
