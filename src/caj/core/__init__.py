"""The core: the vocabulary registry, models, dates, display, errors and safe writing. Every other
layer builds on it; it imports nothing of caj's above it."""
