# The table bench.sh prints, from build/bench.json (the input).
#   $prev    [] or [the previous bench.json]
#   $counts  the list/state container counts
#   $density the density run's container count (0: none)
#   $par     the parallel counts, as "2 8 32"
# One row per figure and runtime: median, min, max, the median's ratio to
# crun's and to runc's (and to base's, with RLITE_BASE: for every figure
# base has), and its change against the previous run.

def num:
	if . == null then "-"
	elif (. | fabs) >= 100 then (round | tostring)
	elif (. | fabs) >= 10 then ((. * 10 | round) / 10 | tostring)
	else ((. * 100 | round) / 100 | tostring) end;
def pad($n): tostring | if length < $n then . + " " * ($n - length) else . end;
def lpad($n): tostring | if length < $n then " " * ($n - length) + . else . end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then "-" else ($a / $b | num) end;
def change($a; $b):
	if $a == null or $b == null then "-"
	elif $b == 0 then (if $a == 0 then "0%" else "new" end)
	else (($a / $b - 1) * 100 | (. * 10 | round) / 10) as $c
	     | if $c == 0 then "0%" else (if $c > 0 then "+" else "" end) + ($c | tostring) + "%" end end;

. as $cur
| ($prev[0].figures // {}) as $old
| ($cur.versions.base != null) as $hasbase
| ($par | split(" ") | map(select(. != "") | tonumber)) as $pars
| def head($t): "", $t;
  def row($key; $title; $ratios):
	($cur.figures[$key] // {}) as $f
	| ["rlite", "base", "runc", "crun", "podman", "floor", "kfloor"][] as $rt
	| select($f[$rt] != null)
	| $f[$rt] as $s
	| [($title | pad(30)), ($rt | pad(6)), ($s.median | num | lpad(9)),
	   ($s.min | num | lpad(9)), ($s.max | num | lpad(9)),
	   (if $ratios then ratio($s.median; $f.crun.median) else "-" end | lpad(7)),
	   (if $ratios then ratio($s.median; $f.runc.median) else "-" end | lpad(7)),
	   (if $hasbase then ratio($s.median; $f.base.median) | lpad(7) else empty end),
	   (change($s.median; $old[$key][$rt].median) | lpad(8))]
	| join(" ");
  ([("" | pad(30)), ("" | pad(6)), ("median" | lpad(9)), ("min" | lpad(9)),
    ("max" | lpad(9)), ("x crun" | lpad(7)), ("x runc" | lpad(7)),
    (if $hasbase then "x base" | lpad(7) else empty end), ("vs prev" | lpad(8))]
   | join(" ")),
  head("1. run: create+start+wait+delete of /bin/true, ms (6. floor: unshare; kfloor: the kernel's part of this run)"),
  row("run.ms"; "run"; true),
  head("1b. run, cold: page cache, dentries and inodes dropped before each, ms"),
  row("cold.run.ms"; "run, cold"; true),
  head("2. lifecycle commands, ms"),
  row("create.ms"; "create"; true),
  row("start.ms"; "start (/bin/true then exits)"; true),
  row("delete.ms"; "delete (stopped)"; true),
  head("2b. exec of /bin/true into a running container, ms"),
  row("exec.ms"; "exec"; true),
  head("2c. lifecycle commands with podman's seccomp profile (containers-common's seccomp.json), ms"),
  row("seccomp.create.ms"; "create"; true),
  row("seccomp.start.ms"; "start (/bin/true then exits)"; true),
  row("seccomp.delete.ms"; "delete (stopped)"; true),
  head("3. parallel run, containers/s (higher is better)"),
  ($pars[] as $n
   | row("par.\($n).per_s"; "\($n) at once"; true),
     row("par.\($n).failures"; "\($n) at once: failures"; false)),
  head("4. memory, kB: peak RSS of the runtime command (with what it waited for)"),
  row("run.maxrss_kb"; "run"; true),
  row("create.maxrss_kb"; "create"; true),
  row("start.maxrss_kb"; "start"; true),
  row("delete.maxrss_kb"; "delete"; true),
  row("exec.maxrss_kb"; "exec"; true),
  ($counts[-1:][] as $n
   | row("list.\($n).maxrss_kb"; "list, N=\($n)"; true),
     row("state.\($n).maxrss_kb"; "state, N=\($n)"; true)),
  head("   resident while a detached container runs (rlite run --detach, sleep 1000)"),
  row("shim.vmrss_kb"; "pid-1 shim VmRSS"; false),
  row("shim.private_dirty_kb"; "pid-1 shim Private_Dirty"; false),
  row("monitor.vmrss_kb"; "monitor VmRSS"; false),
  row("monitor.private_dirty_kb"; "monitor Private_Dirty"; false),
  row("sleep.vmrss_kb"; "(the workload, sleep) VmRSS"; false),
  row("sleep.private_dirty_kb"; "(sleep) Private_Dirty"; false),
  head("5. list and state with N stopped containers present, ms"),
  ($counts[] as $n | row("list.\($n).ms"; "list, N=\($n)"; true)),
  ($counts[] as $n | row("state.\($n).ms"; "state, N=\($n)"; true)),
  head("7. 2,000 orphans exit at once: until rlite's pid-1 shim reaped them all, ms"),
  row("orphans.reap_ms"; "reaped"; false),
  head("9. where one rlite run goes, ms: each step, and its time inside system calls"),
  (["start", "reexec", "clone", "cgroups", "mounts", "pivot", "process", "handoff",
    "workload", "teardown"][] as $s
   | row("breakdown.\($s).ms"; $s; false), row("breakdown.\($s).calls_ms"; "  \($s): in calls"; false)),
  row("breakdown.total.ms"; "total (under perf trace)"; false),
  (select($density > 0)
   | "dens.\($density)" as $d
   | head("8. density: \($density) detached containers (sleep) of one runtime at a time"),
     row("\($d).start_s"; "run -d of all, s"; true),
     row("\($d).run_d.ms"; "run -d, each, ms"; true),
     row("\($d).list.ms"; "list of all, ms"; true),
     row("\($d).kill_s"; "kill of all, s"; true),
     row("\($d).delete_s"; "delete --force of all, s"; true),
     head("   host memory per container while all run, kB"),
     row("\($d).host_kb"; "MemAvailable drop"; true),
     row("\($d).rss_kb"; "runtime's processes VmRSS"; false),
     row("\($d).private_dirty_kb"; "runtime's Private_Dirty"; false))
