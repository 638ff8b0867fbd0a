"""One module per result format. Each exposes `looks_like_*` (content detection) and `parse_*`."""
