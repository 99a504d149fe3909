"""Python-Markdown extensions: cross-links and clause anchors in any page."""
