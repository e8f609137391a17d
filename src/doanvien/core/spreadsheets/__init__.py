"""The spreadsheet toolkit every import and export uses: `reading` (files, header rows, typed
cells), `writing` (formula-safe text, the marked copy of an uploaded file) and `importing` (the
preview → confirm skeleton of an import). Each domain declares only its column table and its
row rule."""
