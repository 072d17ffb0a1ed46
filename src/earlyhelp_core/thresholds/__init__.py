"""Authority threshold matrices: config model, loading, compiled classifier."""
