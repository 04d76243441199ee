"""Pure AWS rules both sides share: the wizard (tui) and the local cloud
(localcloud) import this package, and it imports neither of them, nor
Textual, nor boto3 (botocore only, lazily, for its model and partitions)."""
