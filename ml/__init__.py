"""Framework-free model code (OCR, matting, generation, text rendering). Nothing under ml/ imports
Django: engines take and return PIL images, numpy arrays and dataclasses, and receive their
configuration (weights directory, device) from the caller. tests/ml/test_boundaries.py holds
this line."""
