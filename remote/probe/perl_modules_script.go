package probe

import (
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// perlModulesScript is the perl_modules probe's program (Perl 5.8, no
// single quotes: it travels inside '...'). It reads from standard input
// "loaded NAME" lines (mailScannerLoads: modules MailScanner -v loaded in
// this session) and extra module names, and prints tab-separated records:
//
//	I dir dup-of        an @INC directory (dup-of: an earlier directory that is the same)
//	M module source     a module of interest (list, extra, duplicate)
//	C module path dir version   a copy of it in @INC order
//	O path manager package version vendor packager   the owner of a copy
//	                    (asked for the path, then for its physical path when
//	                    a directory on the way is a symbolic link)
//	L module ok path error [by] whether "require" loads it, and from where;
//	                    by names the probe that saw it load instead (then
//	                    nothing is required here and the path is unknown)
//	P file line         a line of a perllocal.pod
//	X key value         statistics of the @INC scan
const perlModulesScript = `use strict; use Cwd ();
` + perlMSInc + `my @want = qw(@@MODULES@@);
my %src; $src{$_} = "list" for @want;
my ($nin, $nx, %seen_by) = (0, 0);
while (defined(my $l = <STDIN>)) {
  last if ++$nin > 4000;
  $l =~ s/^\s+//; $l =~ s/\s+$//;
  my $by = "";
  if (index($l, "` + loadedLine + `") == 0) { $l = substr($l, length("` + loadedLine + `")); $by = "` + fleet.ProbeMailScannerVersion + `"; }
  next if length($l) > 200;
  next unless $l =~ /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z0-9_]+)*$/;
  if ($by) { $seen_by{$l} = $by; next; }
  next if $src{$l} || ++$nx > 1000;
  $src{$l} = "extra"; push @want, $l;
}
close(STDIN);
sub cl { my $s = shift; $s = "" unless defined $s; $s =~ s/[\t\r\n]+/ /g; return substr($s, 0, 1000); }
sub out { print join("\t", map { cl($_) } @_), "\n"; }
$| = 1;

my (@dirs, %ino, %isinc);
for my $d (@INC) {
  next if ref($d) || $d !~ m{^/} || !-d $d;
  my @st = stat(_);
  my $id = "$st[0]:$st[1]";
  my $dup = $ino{$id};
  out("I", $d, defined $dup ? $dup : "");
  next if defined $dup;
  $ino{$id} = $d; $isinc{$d} = 1; push @dirs, $d;
}

my (%where, $nfiles, $ndirs, $cut);
$nfiles = 0; $ndirs = 0; $cut = 0;
DIR: for my $i (0 .. $#dirs) {
  my @stack = ([$dirs[$i], "", 0]);
  while (@stack) {
    my $t = pop @stack;
    my ($abs, $rel, $depth) = @$t;
    if (++$ndirs > 20000) { $cut = 1; last DIR; }
    opendir(DH, $abs) or next;
    my @e = readdir(DH);
    closedir(DH);
    for my $e (@e) {
      if ($e =~ /^[A-Za-z_]\w*\.pm$/) {
        if (++$nfiles > 100000) { $cut = 1; last DIR; }
        push @{$where{$rel . $e}}, $i;
      } elsif ($depth < 8 && $e =~ /^[A-Za-z_]\w*$/ && $e ne "auto") {
        my $p = "$abs/$e";
        next if $isinc{$p} || -l $p || !-d _;
        push @stack, [$p, "$rel$e/", $depth + 1];
      }
    }
  }
}
out("X", "dirs", $ndirs); out("X", "files", $nfiles); out("X", "truncated", $cut);
my $ndup = 0;
for my $rel (sort keys %where) {
  next unless @{$where{$rel}} > 1;
  (my $m = $rel) =~ s/\.pm$//; $m =~ s{/}{::}g;
  next if $src{$m};
  last if ++$ndup > 2000;
  $src{$m} = "duplicate"; push @want, $m;
}

my $mm = eval { local $SIG{__WARN__} = sub {}; require ExtUtils::MakeMaker; 1 };
sub version_of {
  my $f = shift;
  my $v;
  if ($mm) {
    $v = eval { local $SIG{__WARN__} = sub {}; local $SIG{__DIE__}; local $SIG{ALRM} = sub { die "timeout\n" }; alarm(5); my $r = MM->parse_version($f); alarm(0); $r };
    alarm(0);
  }
  if (!$mm || !defined $v) {
    if (open(VF, "<", $f)) {
      my $n = 0;
      while (defined(my $l = <VF>)) {
        last if ++$n > 2000;
        next if $l =~ /^\s*#/;
        if ($l =~ /\$(?:[\w:]*::)?VERSION\s*=\s*["\x27]?v?([0-9][0-9._]*)/ || $l =~ /\$(?:[\w:]*::)?VERSION\s*=\s*q[qw]?\s*[\(\{\[\/]\s*v?([0-9][0-9._]*)/) { $v = $1; last; }
        if ($l =~ /^\s*package\s+[\w:]+\s+v?([0-9][0-9._]*)\s*[;\{]/) { $v = $1; last; }
      }
      close(VF);
    }
  }
  $v = "" if !defined($v) || $v eq "undef";
  return $v;
}

my (@files, %fileseen);
for my $m (@want) {
  out("M", $m, $src{$m});
  (my $rel = $m) =~ s{::}{/}g; $rel .= ".pm";
  for my $d (@dirs) {
    my $p = "$d/$rel";
    next unless -f $p;
    out("C", $m, $p, $d, version_of($p));
    push @files, $p unless $fileseen{$p}++;
  }
}

my %owner;
my $rpmdb = "";
for my $d ("/var/lib/rpm", "/usr/lib/sysimage/rpm") {
  for my $f ("Packages", "rpmdb.sqlite", "Packages.db") { if (-f "$d/$f") { $rpmdb = $d; last; } }
  last if $rpmdb;
}
my $rpm = "";
for my $b ("/bin/rpm", "/usr/bin/rpm") { if (-x $b) { $rpm = $b; last; } }
sub run_rpm {
  my @args = @_;
  my @lines;
  my $pid = open(RP, "-|");
  return () unless defined $pid;
  if (!$pid) { open(STDERR, ">&STDOUT"); exec($rpm, "--dbpath", $rpmdb, "-qf", "--qf", "R\t%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}\t%{VENDOR}\t%{PACKAGER}\n", @args); exit(127); }
  while (defined(my $l = <RP>)) { chomp $l; push @lines, $l if @lines < 100000; }
  close(RP);
  return @lines;
}
sub rpm_owners {
  my ($query, $orig) = @_;
  my @lines = run_rpm(@$query);
  my (%not, @r);
  for my $l (@lines) {
    if ($l =~ /^R\t/) { push @r, $l; next; }
    $not{$1} = 1 if $l =~ m{(/\S+?\.pm)\b};
  }
  my @owned = grep { !$not{$query->[$_]} } (0 .. $#$query);
  if (@r == @owned) {
    for my $i (0 .. $#owned) { $owner{$orig->[$owned[$i]]} = ["rpm", (split(/\t/, $r[$i]))[1 .. 4]]; }
  } elsif (@r) {
    my $n = 0;
    for my $i (@owned) {
      last if ++$n > 100;
      my ($l) = grep { /^R\t/ } run_rpm($query->[$i]);
      $owner{$orig->[$i]} = ["rpm", (split(/\t/, $l))[1 .. 4]] if defined $l;
    }
  }
}
my %real;
for my $f (@files) {
  my ($dir, $base) = $f =~ m{^(.*)/([^/]+)$} or next;
  my $rd = eval { Cwd::abs_path($dir) };
  $real{$f} = "$rd/$base" if defined $rd && $rd =~ m{^/} && "$rd/$base" ne $f;
}
if ($rpmdb && $rpm && @files) {
  rpm_owners(\@files, \@files);
  my @again = grep { !$owner{$_} && $real{$_} } @files;
  rpm_owners([map { $real{$_} } @again], \@again) if @again;
}
my @left = grep { !$owner{$_} } @files;
if (@left && -d "/var/lib/dpkg/info") {
  my %w; $w{$_} = $_ for @left; for my $f (@left) { $w{$real{$f}} = $f if $real{$f}; }
  my %pkgs;
  if (opendir(DI, "/var/lib/dpkg/info")) {
    my @lists = readdir(DI);
    for my $e (sort @lists) {
      next unless $e =~ /^(.+)\.list$/;
      my $pkg = $1;
      open(LF, "<", "/var/lib/dpkg/info/$e") or next;
      while (defined(my $l = <LF>)) {
        chomp $l;
        my $f = $w{$l} or next;
        $owner{$f} = ["dpkg", $pkg, "", "", ""] unless $owner{$f};
        (my $base = $pkg) =~ s/:.*//; $pkgs{$base} = 1;
      }
      close(LF);
    }
    closedir(DI);
  }
  my %ver;
  if (%pkgs && open(ST, "<", "/var/lib/dpkg/status")) {
    my ($p, $v, $m, $ar) = ("", "", "", "");
    while (1) {
      my $l = <ST>;
      if (!defined($l) || $l =~ /^\s*$/) {
        if ($p ne "" && $pkgs{$p}) { $ver{$p} = [$v, $m]; $ver{"$p:$ar"} = [$v, $m]; }
        ($p, $v, $m, $ar) = ("", "", "", "");
        last unless defined $l;
        next;
      }
      if ($l =~ /^Package:\s*(\S+)/) { $p = $1; }
      elsif ($l =~ /^Version:\s*(.*?)\s*$/) { $v = $1; }
      elsif ($l =~ /^Maintainer:\s*(.*?)\s*$/) { $m = $1; }
      elsif ($l =~ /^Architecture:\s*(\S+)/) { $ar = $1; }
    }
    close(ST);
  }
  for my $f (@left) {
    my $o = $owner{$f} or next;
    my $pv = $ver{$o->[1]};
    ($o->[2], $o->[4]) = @$pv if $pv;
  }
}
for my $f (@files) { out("O", $f, @{$owner{$f}}) if $owner{$f}; }

my @load;
for my $m (@want) {
  if ($seen_by{$m}) { out("L", $m, 1, "", "", $seen_by{$m}); } else { push @load, $m; }
}
out("X", "loading", scalar(@load));
my $next = 0;
my $restarts = 0;
while ($next <= $#load && $restarts < 20) {
  my $pid = open(LD, "-|");
  last unless defined $pid;
  if (!$pid) {
    open(OUT, ">&STDOUT"); open(STDOUT, ">/dev/null"); open(STDERR, ">/dev/null");
    select((select(OUT), $| = 1)[0]);
    $SIG{__WARN__} = sub {};
    for my $i ($next .. $#load) {
      my $m = $load[$i];
      (my $rel = $m) =~ s{::}{/}g; $rel .= ".pm";
      print OUT "S\t$i\n";
      # A module that failed earlier as a dependency of another is left in
      # %INC as undef, and requiring it again says only "Attempt to reload":
      # forget failed loads so each module reports its own error.
      for my $k (keys %INC) { delete $INC{$k} unless defined $INC{$k}; }
      alarm(30);
      my $ok = eval { local $SIG{__DIE__}; require $rel; 1 };
      alarm(0);
      my $err = $ok ? "" : cl((split(/\n/, "$@"))[0]);
      print OUT join("\t", "L", $m, $ok ? 1 : 0, cl($INC{$rel}), $err), "\n";
    }
    eval { require POSIX; POSIX::_exit(0); };
    exit(0);
  }
  my $cur = -1;
  while (defined(my $l = <LD>)) {
    if ($l =~ /^S\t(\d+)$/) { $cur = $1; next; }
    print $l if $l =~ /^L\t/;
    $cur = -1 if $l =~ /^L\t/;
  }
  close(LD);
  my $st = $?;
  last if $cur < 0;
  my $why = ($st & 127) == 14 ? "timed out loading (30 s)" : ($st & 127) ? "loading killed the process (signal " . ($st & 127) . ")" : "loading exited the process (status " . ($st >> 8) . ")";
  out("L", $load[$cur], 0, "", $why);
  $next = $cur + 1; $restarts++;
}

for my $d (@dirs) {
  my $f = "$d/perllocal.pod";
  next unless -f $f && open(PL, "<", $f);
  my $n = 0;
  while (defined(my $l = <PL>)) {
    next unless $l =~ /^=head2 / || $l =~ /C<(installed into|VERSION):/;
    last if ++$n > 20000;
    chomp $l; out("P", $f, $l);
  }
  close(PL);
}
`

// perlModulesProgram returns perlModulesScript with the module lists filled in.
func perlModulesProgram() string {
	return strings.Replace(perlModulesScript, "@@MODULES@@", strings.Join(interestingModules(), " "), 1)
}
