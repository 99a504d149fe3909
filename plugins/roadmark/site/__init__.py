"""The MkDocs adapter: a thin plugin over the model and the renderers."""
