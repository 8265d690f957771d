"""Speech to text: engines (PocketSphinx, Vosk) behind one interface, constrained by the campus grammar."""

from nlu.speech.base import ModelError, SpeechEngine, SpeechError, Transcript
from nlu.speech.engines import load_engine
from nlu.speech.pipeline import transcribe_audio

__all__ = ["ModelError", "SpeechEngine", "SpeechError", "Transcript", "load_engine", "transcribe_audio"]
