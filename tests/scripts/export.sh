#!/bin/sh
# export.sh: `gcrunner export` end to end -- Classic and GCHP bundles written
# by the real binary, --json, flags over a spec file, refusing a non-empty
# folder, bad specs (exit 2), and every generated file checked: YAML with
# python3's yaml module when it is installed, shell scripts with bash -n.
. "$top_srcdir/tests/scripts/lib.sh"

PY=${PYTHON3:-python3}
have_pyyaml=no
if command -v "$PY" >/dev/null 2>&1 && "$PY" -c 'import yaml' 2>/dev/null; then
	have_pyyaml=yes
else
	echo "# python3 yaml module missing: YAML files are checked with the unit tests only"
fi

# yaml_get FILE PATH: prints the value at a dotted path (list indexes as
# numbers), parsed by PyYAML's safe loader.
yaml_get() {
	"$PY" - "$1" "$2" <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for part in sys.argv[2].split('.'):
    doc = doc[int(part)] if isinstance(doc, list) else doc[part]
print(doc if not isinstance(doc, bool) else str(doc).lower())
EOF
}

check_yaml() {   # FILE DESCRIPTION
	[ "$have_pyyaml" = yes ] || return 0
	if "$PY" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$1" 2>"$TEST_TMP/yerr"
	then pass "$2 parses with python3 yaml"
	else fail "$2 does not parse: $(cat "$TEST_TMP/yerr")"; fi
}

check_sh() {     # FILE DESCRIPTION
	if bash -n "$1" 2>"$TEST_TMP/sherr"; then pass "$2 passes bash -n"
	else fail "$2: bash -n: $(cat "$TEST_TMP/sherr")"; fi
}

expect_file() {  # FILE DESCRIPTION
	[ -f "$1" ] && pass "$2" || fail "$2: $1 missing"
}

# ---- GEOS-Chem Classic ----
C="$TEST_TMP/classic"
expect_status 0 "export a Classic bundle" "$GCRUNNER" export --model classic --sim fullchem \
	--met merra2 --grid 4x5 --start 2019-07-01 --days 31 "$C"
expect_match "$out" "geoschem_config.yml" "export lists the files it wrote"
for f in spec.yaml geoschem_config.yml HISTORY.rc HEMCO_Config.settings geoschem-config \
	 gcrunner-run.sh MANIFEST; do
	expect_file "$C/$f" "Classic bundle has $f"
done
[ -x "$C/gcrunner-run.sh" ] && pass "run script is executable" || fail "run script is not executable"
[ ! -e "$C/cluster-config.yaml" ] && pass "no cluster file for Classic on Batch" \
	|| fail "Classic bundle has a cluster file"
check_yaml "$C/geoschem_config.yml" "Classic geoschem_config.yml"
check_yaml "$C/spec.yaml" "spec.yaml"
check_sh "$C/gcrunner-run.sh" "gcrunner-run.sh"
check_sh "$C/geoschem-config" "geoschem-config"
if [ "$have_pyyaml" = yes ]; then
	[ "$(yaml_get "$C/geoschem_config.yml" grid.resolution)" = "4.0x5.0" ] \
		&& pass "resolution read back" || fail "resolution is not 4.0x5.0"
	[ "$(yaml_get "$C/geoschem_config.yml" simulation.start_date.0)" = "20190701" ] \
		&& pass "start date read back" || fail "start date wrong"
	[ "$(yaml_get "$C/geoschem_config.yml" simulation.end_date.0)" = "20190801" ] \
		&& pass "end date = start + 31 days" || fail "end date wrong"
	[ "$(yaml_get "$C/geoschem_config.yml" timesteps.chemistry_timestep_in_s)" = "1200" ] \
		&& pass "chemistry timestep read back" || fail "chemistry timestep wrong"
fi
expect_match "$(cat "$C/geoschem-config")" "GC_USER_REGISTERED=true" "settings file registers the user"
expect_match "$(cat "$C/HISTORY.rc")" "^COLLECTIONS: 'Restart'," "HISTORY.rc lists collections"
expect_match "$(cat "$C/MANIFEST")" "GEOS-Chem 14" "MANIFEST names the template version"
ls -a "$TEST_TMP" | grep -q '\.tmp-' && fail "temporary folder left behind" \
	|| pass "no temporary folder left behind"

# A non-empty folder is refused without --force, and left as it was.
before=$(ls "$C" | wc -l)
expect_status 2 "non-empty folder refused" "$GCRUNNER" export --model classic --sim Hg \
	--met merra2 --grid 4x5 "$C"
expect_match "$err" "--force" "refusal says how to override"
[ "$(ls "$C" | wc -l)" = "$before" ] && pass "refused folder untouched" || fail "refused folder changed"
expect_match "$(cat "$C/geoschem_config.yml")" "fullchem" "refused folder keeps the old bundle"
expect_status 0 "--force writes into it" "$GCRUNNER" export --force --model classic --sim Hg \
	--met merra2 --grid 4x5 "$C"
expect_match "$(cat "$C/geoschem_config.yml")" "name: Hg" "--force replaced the bundle"

# --json: the list of files written.
J="$TEST_TMP/json"
expect_status 0 "export --json" "$GCRUNNER" export --json --model classic --sim carbon \
	--option CH4 --met merra2 --grid 2x2.5 "$J"
expect_match "$out" '"path": "geoschem_config.yml"' "--json lists geoschem_config.yml"
expect_match "$out" '"mode": "0755"' "--json gives modes"
if command -v "$PY" >/dev/null 2>&1; then
	n=$(printf '%s' "$out" | "$PY" -c 'import sys, json; print(len(json.load(sys.stdin)["files"]))')
	[ "$n" = "$(ls "$J" | wc -l)" ] && pass "--json lists every file ($n)" \
		|| fail "--json lists $n files, folder has $(ls "$J" | wc -l)"
fi

# Flags override a spec file.
S="$TEST_TMP/spec.yaml"
cat >"$S" <<'EOF'
model: classic
simulation: fullchem
met: merra2
grid: 2x2.5
EOF
O="$TEST_TMP/override"
expect_status 0 "spec file with a flag on top" "$GCRUNNER" export --spec "$S" --grid 4x5 "$O"
expect_match "$(cat "$O/geoschem_config.yml")" "resolution: 4.0x5.0" "--grid overrides the spec file"

# Nested run on Slurm: batch script too.
N="$TEST_TMP/nested"
expect_status 0 "export a nested run" "$GCRUNNER" export --model classic --sim fullchem \
	--met geosfp --grid 0.5x0.625 --domain NA --start 2019-01-01 --days 7 "$N"
expect_match "$(cat "$N/geoschem_config.yml")" "activate: true" "nested grid switched on"
expect_match "$(cat "$N/HEMCO_Config.settings")" "GC_BCs +: +true" "boundary conditions on"

# ---- GCHP ----
G="$TEST_TMP/gchp"
expect_status 0 "export a GCHP bundle" "$GCRUNNER" export --model gchp --sim fullchem \
	--met merra2 --grid C180 --instance c5n.18xlarge --nodes 8 --spot \
	--subnet subnet-0a1b2c3d4e5f60718 --key-name lab-key "$G"
for f in cluster-config.yaml setCommonRunSettings.values gcrunner.sbatch geoschem_config.yml \
	 MANIFEST; do
	expect_file "$G/$f" "GCHP bundle has $f"
done
check_yaml "$G/cluster-config.yaml" "cluster-config.yaml"
check_yaml "$G/geoschem_config.yml" "GCHP geoschem_config.yml"
check_sh "$G/gcrunner.sbatch" "gcrunner.sbatch"
check_sh "$G/setCommonRunSettings.values" "setCommonRunSettings.values"
v=$(cat "$G/setCommonRunSettings.values")
expect_match "$v" "^TOTAL_CORES=288$" "288 cores (8 x 36 physical)"
expect_match "$v" "^NUM_NODES=8$" "8 nodes"
expect_match "$v" "^CS_RES=180$" "CS_RES"
expect_match "$v" "^Midrun_Checkpoint=ON$" "checkpoints on spot"
(. "$G/setCommonRunSettings.values"; [ $((NX * NY)) -eq "$TOTAL_CORES" ] && [ $((NY % 6)) -eq 0 ]) \
	&& pass "NX x NY = TOTAL_CORES, NY a multiple of 6" || fail "bad decomposition"
sb=$(cat "$G/gcrunner.sbatch")
expect_match "$sb" "FI_EFA_ENABLE_SHM_TRANSFER=0" "EFA shared-memory transfer off"
expect_match "$sb" "OMPI_MCA_mtl_ofi_provider_exclude=shm" "OpenMPI excludes shm"
expect_match "$sb" "btl_tcp_if_exclude=\"lo,docker0" "lo and docker0 excluded from TCP"
if [ "$have_pyyaml" = yes ]; then
	cc=$G/cluster-config.yaml
	[ "$(yaml_get "$cc" Scheduling.SlurmQueues.0.ComputeResources.0.InstanceType)" = c5n.18xlarge ] \
		&& pass "cluster compute type" || fail "cluster compute type"
	[ "$(yaml_get "$cc" Scheduling.SlurmQueues.0.ComputeResources.0.MaxCount)" = 8 ] \
		&& pass "MaxCount = nodes" || fail "MaxCount"
	[ "$(yaml_get "$cc" Scheduling.SlurmQueues.0.ComputeResources.0.Efa.Enabled)" = true ] \
		&& pass "EFA on for c5n.18xlarge" || fail "EFA"
	[ "$(yaml_get "$cc" Scheduling.SlurmQueues.0.CapacityType)" = SPOT ] \
		&& pass "spot capacity" || fail "capacity type"
	[ "$(yaml_get "$cc" HeadNode.Networking.SubnetId)" = subnet-0a1b2c3d4e5f60718 ] \
		&& pass "subnet from --subnet" || fail "subnet"
fi

# No subnet given: example values and a note saying so.
P="$TEST_TMP/placeholders"
expect_status 0 "GCHP without subnet" "$GCRUNNER" export --model gchp --sim fullchem \
	--met merra2 --grid C90 --instance c6i.16xlarge --nodes 2 "$P"
expect_match "$err" "example values" "missing subnet is pointed out"
expect_match "$(cat "$P/cluster-config.yaml")" "Enabled: false" "no EFA on c6i.16xlarge"
expect_match "$(cat "$P/cluster-config.yaml")" "CapacityType: ONDEMAND" "on-demand capacity"

# ---- the scripts, run for real against a stand-in GEOS-Chem ----
# A fake installation: createRunDir.sh records its answers and makes a run
# directory with the real files' syntax; gcclassic, gchp and mpiexec record
# what they see.  Then the bundle's scripts run with bash, as on Batch or
# Slurm.
FAKE="$TEST_TMP/fake"
mkdir -p "$FAKE/run" "$FAKE/bin"
cat >"$FAKE/run/createRunDir.sh" <<'FAKE_CREATE'
#!/bin/bash
# Stand-in for GEOS-Chem's createRunDir.sh: answers on stdin, name in $1.
answers=$(cat)
parent=$(printf '%s\n' "$answers" | grep '^/' | head -1)
rd="$parent/$1"
mkdir -p "$rd/Restarts"
printf '%s\n' "$answers" > "$parent/answers.txt"
printf -- '---\noperations:\n  transport:\n    transported_species:\n      - SPC_FROM_RUNDIR_1\n      - SPC_FROM_RUNDIR_2\n' >"$rd/geoschem_config.yml"
{
echo '### BEGIN SECTION SETTINGS'
echo 'ROOT:                        /old/HEMCO'
echo 'METDIR:                      /old/met'
echo 'DiagnFreq:                   Monthly'
echo '### END SECTION SETTINGS ###'
echo '# ExtNr ExtName                on/off  Species  Years avail.'
echo '0       Base                   : on    *'
echo '    --> GC_BCs                 :       true'
echo '    --> OFFLINE_DUST           :       false    # 1980-2019'
echo '    --> CEDSv2                 :       true     # 1750-2019'
echo '104     SoilNOx                : on    NO'
echo '105     DustDead               : on    DST1/DST2/DST3/DST4'
echo '    --> Mass tuning factor     :       -999.0e0'
echo '108     MEGAN                  : on    ISOP/ACET'
echo '131     TOMAS_DustDead         : off   DUST01/DUST02'
echo '    --> Mass tuning factor     :       -999.0e0'
echo 'ROOT: this line is not in the settings section'
} >"$rd/HEMCO_Config.rc"
{
echo 'TOTAL_CORES=96'
echo 'NUM_NODES=2'
echo 'NUM_CORES_PER_NODE=48'
echo 'CS_RES=90'
echo 'Run_Duration="00000100 000000"'
echo 'AutoUpdate_NXNY=ON'
echo 'NX='
echo 'NY='
echo 'Diag_Collections=(SpeciesConc    \'
echo '                  Budget         \'
echo ')'
echo 'Midrun_Checkpoint=OFF'
echo 'Checkpoint_Freq="monthly"'
echo '    NX=${N}'
} >"$rd/setCommonRunSettings.sh"
printf "COLLECTIONS: 'Restart',\n             #'SpeciesConc',\n             #'Budget',\n::\n" >"$rd/HISTORY.rc"
printf 'WRITE_RESTART_BY_OSERVER: NO\n' >"$rd/GCHP.rc"
: >"$rd/setRestartLink.sh"
printf 'import sys\nopen("downloaded", "w").write(" ".join(sys.argv[1:]))\n' >"$rd/download_data.py"
FAKE_CREATE
printf '%s\n' '#!/bin/bash' \
	'if [ "${1:-}" = --dryrun ]; then echo "dry run"; exit 0; fi' \
	'echo "threads=$OMP_NUM_THREADS" > ran.txt' \
	'mkdir -p OutputDir && echo data > OutputDir/GEOSChem.SpeciesConc.nc4' >"$FAKE/bin/gcclassic"
printf '%s\n' '#!/bin/bash' 'echo "gchp ran" > gchp-ran.txt' >"$FAKE/bin/gchp"
printf '%s\n' '#!/bin/bash' \
	"env | grep -E '^(FI_EFA|OMPI_MCA)' | sort > mpi-env.txt" \
	'echo "$*" > mpi-args.txt' \
	'prog=${!#}; "$prog"' >"$FAKE/bin/mpiexec"
chmod +x "$FAKE/run/createRunDir.sh" "$FAKE/bin/gcclassic" "$FAKE/bin/gchp" "$FAKE/bin/mpiexec"

W="$TEST_TMP/work"
expect_status 0 "Classic run script runs" env PATH="$FAKE/bin:$PATH" GC_RUN_SCRIPTS="$FAKE/run" \
	GCRUNNER_SCRATCH="$W" OMP_NUM_THREADS=3 bash "$C/gcrunner-run.sh" "$C"
RD="$W/rundir"
expect_match "$(tr '\n' ' ' <"$W/answers.txt")" "^4 1 1 1 $W n n $" \
	"createRunDir.sh answered for Hg, MERRA-2, 4x5, 72 levels"
expect_match "$(cat "$HOME/.geoschem/config")" "GC_USER_REGISTERED=true" "~/.geoschem/config written"
expect_match "$(cat "$RD/geoschem_config.yml")" "SPC_FROM_RUNDIR_2" "run directory's species kept"
expect_match "$(cat "$RD/geoschem_config.yml")" "name: Hg" "bundle's settings laid over"
expect_no_match "$(cat "$RD/geoschem_config.yml")" "Hg2STRP" "bundle's own species list replaced"
check_yaml "$RD/geoschem_config.yml" "merged geoschem_config.yml"
cmp -s "$C/HISTORY.rc" "$RD/HISTORY.rc" && pass "HISTORY.rc copied" || fail "HISTORY.rc differs"
hc=$(cat "$RD/HEMCO_Config.rc")
expect_match "$hc" "^ROOT: +/scratch/ExtData/HEMCO$" "HEMCO ROOT set"
expect_match "$hc" "^METDIR: +/scratch/ExtData/GEOS_4x5/MERRA2$" "HEMCO METDIR set"
expect_match "$hc" "^ROOT: this line is not in the settings section$" "only the settings section changes"
expect_match "$hc" "GC_BCs +: +false$" "global run: no boundary conditions"
expect_match "$hc" "^    --> CEDSv2                 :       true     # 1750-2019$" "other switches untouched"
[ "$(cat "$RD/ran.txt")" = "threads=3" ] && pass "gcclassic ran with OMP_NUM_THREADS" \
	|| fail "gcclassic did not run"
expect_match "$(cat "$RD/downloaded")" "log.dryrun geoschem\+aws" "input data fetched after a dry run"

# Full chemistry: the dust and MEGAN extensions follow the option.
F="$TEST_TMP/fullchem"
expect_status 0 "export fullchem" "$GCRUNNER" export --model classic --sim fullchem --met merra2 \
	--grid 4x5 "$F"
W2="$TEST_TMP/work2"
# A user's own ~/.geoschem/config is kept, and its data root wins.
printf 'export GC_DATA_ROOT=%s\n' "$TEST_TMP/mydata" >"$HOME/.geoschem/config"
expect_status 0 "fullchem run script runs" env PATH="$FAKE/bin:$PATH" GC_RUN_SCRIPTS="$FAKE/run" \
	GCRUNNER_SCRATCH="$W2" bash "$F/gcrunner-run.sh" "$F"
hc=$(cat "$W2/rundir/HEMCO_Config.rc")
expect_match "$hc" "^105     DustDead               : off   DST1/DST2/DST3/DST4$" \
	"extension switched, species list kept"
expect_match "$hc" "OFFLINE_DUST +: +true     # 1980-2019$" "option switched, comment kept"
expect_match "$hc" "Mass tuning factor +: +7.8533e-4$" "dust tuning factor for MERRA-2 4x5"
expect_match "$err$out" "HEMCO setting" "switches missing from HEMCO_Config.rc are reported"
expect_match "$(cat "$HOME/.geoschem/config")" "mydata" "the user's ~/.geoschem/config is kept"
expect_match "$(cat "$W2/rundir/geoschem_config.yml")" "root_data_dir: $TEST_TMP/mydata$" \
	"geoschem_config.yml uses the user's data root"
expect_match "$hc" "^ROOT: +$TEST_TMP/mydata/HEMCO$" "HEMCO ROOT uses the user's data root"

# GCHP: the Slurm script, run with bash as sbatch would.
W3="$TEST_TMP/work3"
mkdir -p "$W3"
expect_status 0 "GCHP batch script runs" env PATH="$FAKE/bin:$PATH" GC_RUN_SCRIPTS="$FAKE/run" \
	GCRUNNER_BUNDLE_DIR="$G" GCRUNNER_RUN_PARENT="$W3" GCHP_EXE="$FAKE/bin/gchp" \
	SLURM_NTASKS=288 bash "$G/gcrunner.sbatch"
RD="$W3/rundir"
sc=$(cat "$RD/setCommonRunSettings.sh")
expect_match "$sc" "^TOTAL_CORES=288$" "setCommonRunSettings.sh: TOTAL_CORES replaced"
expect_match "$sc" "^NX=$(sed -n 's/^NX=//p' "$G/setCommonRunSettings.values")$" "NX set"
expect_match "$sc" "^Midrun_Checkpoint=ON$" "checkpoints switched on"
expect_match "$sc" '^    NX=\$\{N\}$' "indented assignments untouched"
expect_no_match "$sc" "Budget" "multi-line list replaced whole"
check_sh "$RD/setCommonRunSettings.sh" "edited setCommonRunSettings.sh"
expect_match "$(cat "$RD/HISTORY.rc")" "^             'SpeciesConc',$" "chosen collection enabled"
expect_match "$(cat "$RD/HISTORY.rc")" "#'Budget'," "other collections stay off"
expect_match "$(cat "$RD/GCHP.rc")" "WRITE_RESTART_BY_OSERVER: YES" "output server on"
[ "$(cat "$RD/cap_restart")" = "20190701 000000" ] && pass "cap_restart set" || fail "cap_restart"
expect_match "$(cat "$RD/mpi-env.txt")" "FI_EFA_ENABLE_SHM_TRANSFER=0" "mpiexec sees the EFA settings"
expect_match "$(cat "$RD/mpi-args.txt")" "-np 288" "mpiexec runs every rank"
[ -f "$RD/gchp-ran.txt" ] && pass "gchp ran" || fail "gchp did not run"

# ---- bad input ----
expect_status 2 "unknown grid" "$GCRUNNER" export --model classic --sim fullchem --met merra2 \
	--grid 3x3 "$TEST_TMP/bad1"
[ ! -e "$TEST_TMP/bad1" ] && pass "nothing written for a bad grid" || fail "bad grid wrote files"
expect_status 2 "GCHP cores not divisible by 6" "$GCRUNNER" export --model gchp --sim fullchem \
	--met merra2 --grid C48 --instance c5n.18xlarge --nodes 1 --cores-per-node 35 "$TEST_TMP/bad2"
[ ! -e "$TEST_TMP/bad2" ] && pass "nothing written for a bad core count" || fail "bad cores wrote files"
expect_status 2 "bad subnet" "$GCRUNNER" export --model gchp --sim fullchem --met merra2 \
	--grid C48 --instance c5n.18xlarge --nodes 1 --subnet net-1 "$TEST_TMP/bad3"
expect_match "$err" "subnet" "bad subnet is named"
printf 'model: classic\ngrid: [oops\n' >"$TEST_TMP/broken.yaml"
expect_status 2 "broken spec file" "$GCRUNNER" export --spec "$TEST_TMP/broken.yaml" "$TEST_TMP/bad4"
expect_status 2 "missing folder argument" "$GCRUNNER" export --model classic --sim fullchem
expect_status 0 "export --help" "$GCRUNNER" export --help
expect_match "$out" "--force" "help lists --force"
expect_match "$out" "--grid" "help lists the choice flags"

finish
