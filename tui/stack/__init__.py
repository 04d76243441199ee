"""The model of what gets created: resource kinds, the deploy engine over
them, the ledger of what exists, destroy, and export renderers."""
