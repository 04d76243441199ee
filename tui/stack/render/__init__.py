"""Export: the configured stack as AWS CLI commands, a CloudFormation
template or a SAM template, each written by the resource kinds."""
