"""A note played slower and lower: a second hearing for a clean note Whisper tiny was unsure of.

espeak-ng's voices speak faster and higher than the people Whisper was trained on (the bench's worst two voices are
its fastest and highest, en-us+f1 at 175 words a minute and en-us+f3 at 170), and Whisper tiny hears whole phrases
of them as other words. Resampling the note as if it had been recorded at a higher rate stretches it in time and
lowers its pitch by the same factor, which brings such a voice nearer ordinary speech; no phase vocoder, so no
artefacts Whisper never heard. It is a second hearing only (`nlu.speech.twopass.TwoPassEngine._second_look`): a
note Whisper read surely is never heard twice.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def slowed(audio: np.ndarray, factor: float) -> np.ndarray:
    """`audio` (float, 16 kHz) lasting `factor` times longer and `factor` times lower (1.0: unchanged). The factor is
    taken as a small fraction (at most 32 in the denominator) so the polyphase resampler stays cheap."""
    if factor == 1.0 or len(audio) == 0:
        return audio
    ratio = Fraction(factor).limit_denominator(32)
    from scipy.signal import resample_poly

    return resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)
