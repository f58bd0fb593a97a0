package Sys::Hostname::Long;

# fleetlab: plays a hand-installed Sys::Hostname::Long 1.4 in the Perl site
# directory, shadowing the packaged 1.5. Its hostname_long() waits for a
# name-service answer that never comes, without a timeout and without a
# word, which is how the lab's "hang" host makes MailScanner --lint hang.
# Loading the module (as MailScanner -v does) is harmless.

use strict;
require Exporter;
use vars qw(@ISA @EXPORT $VERSION);

@ISA     = qw(Exporter);
@EXPORT  = qw(hostname_long);
$VERSION = '1.4';

sub hostname_long {
    select(undef, undef, undef, undef) while 1;
}

1;
