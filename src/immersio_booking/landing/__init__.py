"""A tenant's landing page: its settings (API) and how they are checked."""
