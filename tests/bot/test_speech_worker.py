"""Voice notes recognised in a worker process (as the service does): same transcript as in-process, bad audio still
a one-line AudioError, and the event loop keeps running while a note is decoded."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from bot.speech import SpeechPipeline
from nlu.audio import AudioError


@pytest.fixture(scope="module")
def worker(campus):
    from autovolt.vocabulary import vocabulary_from_campus

    pipeline = SpeechPipeline(vocabulary_from_campus(campus), worker_process=True)
    pipeline.warm_up()
    yield pipeline
    pipeline.close()


async def test_worker_hears_what_the_thread_hears_and_leaves_the_loop_free(worker, speech, notes):
    note = notes.get("turn off the lights in classroom one oh one")
    here = speech.transcribe(note)
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    there = await asyncio.to_thread(worker.transcribe, note)
    task.cancel()
    assert (there.text, there.trusted) == (here.text, here.trusted) and there.trusted
    assert gaps  # the loop ran while the worker decoded
    assert worker._pool is not None and os.getpid() not in {p.pid for p in worker._pool._processes.values()}


def test_bad_audio_from_the_worker_is_a_one_line_audio_error(worker):
    with pytest.raises(AudioError) as caught:
        worker.transcribe(b"OggS" + os.urandom(2000))
    assert caught.value.reason and "\n" not in str(caught.value)
