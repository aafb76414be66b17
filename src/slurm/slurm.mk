## Slurm transports (local, ssh, SSM) and the Slurm/sshd test bed (issue 8).
