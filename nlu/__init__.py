"""Speech to text (Vosk, PocketSphinx) and text to a command (spaCy, rapidfuzz). Pure: no I/O beyond models."""
