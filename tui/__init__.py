"""apigw-wizard: the AWS 'Lambda + HTTP API' tutorial as a terminal wizard."""

__version__ = "0.1.0"
