"""The licences, named once: the code under MIT, the curated data under CC BY 4.0 (the usual
licence for a curated database: anyone may reuse it, citing caj and, through caj, its sources)."""

CODE = {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/licenses/MIT"}
DATA = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/"}
DATA_SHORT = "CC BY 4.0"
