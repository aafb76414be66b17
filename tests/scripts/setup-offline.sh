#!/bin/sh
# setup-offline.sh: what `gcrunner setup` does without AWS -- usage errors,
# the region guidance when none is set, and the CloudFormation template
# (YAML from libyaml, read back with PyYAML and checked resource by resource).
. "$top_srcdir/tests/scripts/lib.sh"
export ASAN_OPTIONS=detect_leaks=0

expect_status 2 "--delete-data without --destroy" "$GCRUNNER" setup --delete-data b
expect_match "$err" "only goes with --destroy" "says why"
expect_status 2 "bad --max-vcpus" "$GCRUNNER" setup --max-vcpus 0
expect_match "$err" "whole number from 1 to 1000000" "says what is allowed"
expect_status 2 "bad --prefix" "$GCRUNNER" setup --prefix "Big_Prefix"
expect_status 2 "--export-template with --destroy" "$GCRUNNER" setup --destroy --export-template x
expect_status 2 "unknown option" "$GCRUNNER" setup --frobnicate
expect_status 0 "setup --help" "$GCRUNNER" setup --help
expect_match "$out" "--export-template FILE" "help lists the options"

expect_status 2 "no region" env -u AWS_REGION -u AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE01 \
	AWS_SECRET_ACCESS_KEY=x "$GCRUNNER" setup --plan --skip-quotas
expect_match "$err" "no AWS region is set: use --region .*us-west-2" "region guidance"

expect_status 0 "--export-template" "$GCRUNNER" setup --export-template "$TEST_TMP/gcrunner.yaml" \
	--max-vcpus 2000 --prefix lab --user-id alice
check=$(/usr/bin/python3 - "$TEST_TMP/gcrunner.yaml" <<'PY'
import sys, yaml
t = yaml.safe_load(open(sys.argv[1]))
res = t["Resources"]
types = sorted(r["Type"] for r in res.values())
print(t["AWSTemplateFormatVersion"], len(types))
print(" ".join(sorted(set(types))))
ce = res["ComputeEnvironmentArm64Spot"]["Properties"]
print(ce["ComputeEnvironmentName"], ce["ComputeResources"]["AllocationStrategy"],
      ",".join(ce["ComputeResources"]["InstanceTypes"]), t["Parameters"]["MaxvCpus"]["Default"])
od = res["ComputeEnvironmentX8664OnDemand"]["Properties"]["ComputeResources"]
print(od["Type"], ",".join(od["InstanceTypes"]))
q = res["JobQueueArm64"]["Properties"]["ComputeEnvironmentOrder"]
print("order", [(o["Order"], o["ComputeEnvironment"]["Ref"]) for o in q])
print(res["UsersTable"]["Properties"]["TableName"],
      res["UsersTable"]["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"])
b = res["UserDataBucket"]["Properties"]
print(b["BucketName"]["Fn::Sub"], b["VersioningConfiguration"]["Status"],
      b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
      b["PublicAccessBlockConfiguration"]["BlockPublicPolicy"],
      b["LifecycleConfiguration"]["Rules"][0]["Transitions"][0]["StorageClass"])
print(t["Parameters"]["UserId"]["Default"])
pol = res["BatchJobRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
own = [s for s in pol if s["Sid"] == "ReadWriteOwnPrefix"][0]["Resource"][0]
print("own", own["Fn::Sub"])
tags = res["UsersTable"]["Properties"]["Tags"]
print("tags", ",".join(x["Key"] for x in tags))
PY
)
expect_match "$check" "^2010-09-09 17$" "template: 17 resources"
expect_match "$check" "AWS::Batch::ComputeEnvironment AWS::Batch::JobDefinition AWS::Batch::JobQueue AWS::DynamoDB::Table AWS::IAM::InstanceProfile AWS::IAM::Role AWS::IAM::ServiceLinkedRole AWS::Logs::LogGroup AWS::S3::Bucket" "template: every resource kind"
expect_match "$check" "lab-arm64-spot SPOT_CAPACITY_OPTIMIZED c7g,c8g,hpc7g 2000" "Graviton spot environment"
expect_match "$check" "EC2 c5,c6i,c6a" "x86 on-demand environment"
expect_match "$check" "order \[\(1, 'ComputeEnvironmentArm64Spot'\), \(2, 'ComputeEnvironmentArm64OnDemand'\)\]" "spot first, on-demand behind"
expect_match "$check" "lab-Users True" "table with PITR"
expect_match "$check" 'lab-\$\{AWS::AccountId\}-\$\{AWS::Region\} Enabled AES256 True INTELLIGENT_TIERING' "bucket settings"
expect_match "$check" "^alice$" "user id parameter"
expect_match "$check" 'own arn:\$\{AWS::Partition\}:s3:::lab-\$\{AWS::AccountId\}-\$\{AWS::Region\}/\$\{UserId\}/\*' "job role writes only the user's prefix"
expect_match "$check" "tags Environment,Project,Owner" "resources tagged"
finish
