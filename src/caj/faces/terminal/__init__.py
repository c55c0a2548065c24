"""The terminal face: tables and cards for people, CSV/TSV/JSON/JSONL/Markdown for tools."""
