"""Text recognition engines (framework-free). Each engine is one class with a `name`, built once per
process by ml.registry; see ml/ocr/base.py for the interface."""
