"""Planning over the graph: progress, horizons, risks, scope and the roadmap."""
