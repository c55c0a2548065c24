"""caj: Japan's relations with Central Asia, as cited facts you can look up."""

__version__ = "0.1.0"
SCHEMA_VERSION = 4
