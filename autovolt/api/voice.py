"""POST /api/voice/process (text) and /api/voice/audio (a voice recording): what the assistant understood."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from autovolt.api.context import ApiContext
from autovolt.metrics import record_message, record_transcription

router = APIRouter(prefix="/api/voice", tags=["voice"])

MAX_COMMAND_CHARS = 500
# A reference time outside these years cannot be a real "now" (and "tomorrow" of 9999-12-31 overflows the calendar).
EARLIEST_NOW, LATEST_NOW = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)


class VoiceContext(BaseModel):
    """What the conversation carries: the user's rooms (a single one is used when a command names none) and the
    previous message, so follow-ups such as "and the fans too" resolve."""

    model_config = ConfigDict(extra="forbid")
    user_rooms: list[str] = Field(default_factory=list, max_length=50, description="Room ids assigned to the user")
    previous: str | None = Field(None, max_length=MAX_COMMAND_CHARS, description="The user's previous message")
    now: dt.datetime | None = Field(None, description="Reference time for 'at 5 pm', 'today' (years 2000 to 2099; "
                                                     "without an offset it is read as UTC); default now")

    @field_validator("now")
    @classmethod
    def _plausible_now(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return value
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        try:
            inside = EARLIEST_NOW <= aware < LATEST_NOW
        except OverflowError:  # an offset that pushes year 1 or 9999 off the calendar
            inside = False
        if not inside:
            raise ValueError("expected a time between 2000 and 2099")
        return value


class VoiceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"command": "turn off the lights in room 101", "context": {"user_rooms": ["cr-101"]}}]})
    command: str = Field(..., min_length=1, max_length=MAX_COMMAND_CHARS, description="What the user said or typed")
    context: VoiceContext = Field(default_factory=VoiceContext)


class ParsedPeriod(BaseModel):
    start: str
    end: str


class ParsedCommand(BaseModel):
    """The parser's command (see nlu.command.Command)."""

    text: str
    intent: str = Field(..., description="device_control, status_query, energy_query, forecast_query, "
                                         "schedule_query, alerts_query, help or unknown")
    action: str | None = Field(None, description="on/off for device control")
    device_types: list[str]
    rooms: list[str]
    switches: list[str]
    when: str | None = Field(None, description="ISO time of a scheduled action; null = now")
    period: ParsedPeriod | None = None
    confidence: float
    buildings: list[str]
    clarification: str | None = Field(None, description="A question to ask instead of acting")
    operation: str | None = None
    everything: bool
    needs_time: bool = Field(False, description="The command waits only for when to act (the clarification asks it)")
    offers_now: bool = Field(False, description="With needs_time: the question offered to act now, so yes means now")
    ask_reason: str | None = Field(None, description="With a clarification, why it asks (nlu.command.AskReason: "
                                                     "which_room, unknown_place, room_lacks, time_passed, ...)")


class Transcript(BaseModel):
    text: str
    engine: str
    audio_s: float
    decode_s: float
    confidence: float


class VoiceResponse(BaseModel):
    command: ParsedCommand
    transcript: Transcript | None = None


async def _vocabulary(ctx: ApiContext) -> Any:
    cached = ctx._campus
    if cached is not None and time.monotonic() - cached[0] < ctx.campus_ttl_s:
        return cached[2]
    return (await asyncio.to_thread(ctx.campus))[1]


def _understand(vocabulary: Any, text: str, context: VoiceContext, clock: Callable[[], dt.datetime]) -> Any:
    """The parse of `text` at the context's `now`, else at `clock()` (the API's clock, `ApiContext.clock`)."""
    from nlu.command import ParseContext
    from nlu.parser import parser_for

    parser = parser_for(vocabulary)
    known_rooms = tuple(r for r in context.user_rooms if any(room.id == r for room in vocabulary.rooms))
    now = context.now or clock()
    previous = None
    if context.previous and context.previous.strip():
        previous = parser.parse(context.previous, ParseContext(user_rooms=known_rooms), now)
        if previous.intent == "unknown":
            previous = None
    return parser.parse(text, ParseContext(previous=previous, user_rooms=known_rooms), now)


@router.post("/process", response_model=VoiceResponse)
async def process_text(body: VoiceRequest, request: Request) -> JSONResponse:
    """Understand a typed (or already transcribed) command. Nothing is switched: the caller acts on the result."""
    ctx: ApiContext = request.app.state.api
    vocabulary = await _vocabulary(ctx)
    command = _understand(vocabulary, body.command, body.context, ctx.clock)  # sub-millisecond: no thread hop
    record_message("text", command.intent)
    # The parser's dict already has the documented shape; answering it directly skips a second validation pass,
    # which costs more than the parse itself on this hot path.
    return JSONResponse({"command": command.to_dict(), "transcript": None})


@router.post("/audio", response_model=VoiceResponse,
             responses={422: {"description": "Audio that cannot be decoded, too long, silent, or with no words in it"}})
async def process_audio(request: Request,
                        audio: UploadFile = File(..., description="A voice recording: OGG/Opus, MP3, M4A, WAV..."),
                        context: str | None = Form(None, description="Optional VoiceContext as JSON")) -> dict[str, Any]:
    """Transcribe a voice recording with the campus grammar, then understand it like /api/voice/process."""
    from nlu.audio import AudioError, decode_audio, is_silent

    ctx: ApiContext = request.app.state.api
    try:
        parsed_context = VoiceContext.model_validate(json.loads(context)) if context else VoiceContext()
    except (json.JSONDecodeError, ValidationError) as exc:
        raise HTTPException(422, f"context: expected a JSON object like {{\"user_rooms\": [\"cr-101\"]}} "
                                 f"({str(exc).splitlines()[0][:120]})") from None
    data = await audio.read()
    vocabulary = await _vocabulary(ctx)

    def transcribe() -> Any:
        pcm = decode_audio(data)
        if is_silent(pcm.samples):
            raise AudioError("silent", "the recording is silent; nothing to understand")
        engine = ctx.speech()
        heard = engine.transcribe(pcm.samples, engine.grammar_for(vocabulary))
        return pcm, heard

    started = time.perf_counter()
    try:
        pcm, heard = await asyncio.to_thread(transcribe)
    except AudioError as exc:
        raise HTTPException(422, str(exc)) from None
    record_transcription(heard.engine, time.perf_counter() - started, pcm.duration_s)
    if not heard.text.strip():  # a tone, noise, or a recording cut short: say so rather than parse nothing
        raise HTTPException(422, "no words could be made out in the recording; record it again, closer and clearer")
    command = _understand(vocabulary, heard.text, parsed_context, ctx.clock)
    record_message("voice", command.intent)
    transcript = heard.to_json()
    transcript["decode_s"] = round(pcm.decode_s + heard.decode_s, 4)
    return {"command": command.to_dict(), "transcript": transcript}
