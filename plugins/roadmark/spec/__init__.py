"""The spec model: ids, fields, files, loading, rules and the graph."""
