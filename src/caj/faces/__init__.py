"""The faces: how the answers of the query layer are shown — the terminal (tables, cards, machine
formats), the web pages, pictures, exports, citations and the MCP server. A face asks the query
layer and reads the vocabulary; it never writes SQL over the facts and never defines a field."""
