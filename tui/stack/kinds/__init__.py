"""One module per AWS resource type (see base.Kind). Which of them a
deploy makes, and in what order, is tui/stack/plans.py: the registry."""
