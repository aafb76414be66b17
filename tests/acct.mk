## The Slurm paths after squeue has forgotten a job (issue 8): the real
## Slurm test bed with accounting (MariaDB + slurmdbd) and MinJobAge=2, so
## refresh and the exactly-once reconcile must ask sacct.
TESTS += tests/scripts/slurm-acct.sh
EXTRA_DIST += tests/scripts/slurm-acct.sh
