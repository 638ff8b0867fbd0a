"""The static (Pyodide) site: `eval-analyzer build` (builder), offline bundling, and the pinned Pyodide fixture."""
