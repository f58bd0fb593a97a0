package Digest::SHA1;

# fleetlab: a half-installed Digest::SHA1 2.11. The module file was copied
# but its XS object (auto/Digest/SHA1/SHA1.so) was never built, because the
# build ran in a noexec /tmp: loading it fails with "Can't locate loadable
# object for module Digest::SHA1".

use strict;
use vars qw($VERSION @ISA @EXPORT_OK);

$VERSION = '2.11';

require Exporter;
*import = \&Exporter::import;
@EXPORT_OK = qw(sha1 sha1_hex sha1_base64 sha1_transform);

require DynaLoader;
@ISA = qw(DynaLoader);
Digest::SHA1->bootstrap($VERSION);

1;
