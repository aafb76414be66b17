## The local test bed: the AWS test server, dynalite, s3rver (issue 4).
