"""Renderers: turn the model into Markdown (with small, escaped HTML) for any front end."""
