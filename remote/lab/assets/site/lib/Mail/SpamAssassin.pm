package Mail::SpamAssassin;

# fleetlab: the seed box's half-installed Mail::SpamAssassin 3.2.4 (from
# install-Clam-0.92-SA-3.2.4.tar.gz, built in a noexec /tmp). It shadows the
# packaged SpamAssassin, and its XS dependency Digest::SHA1 never got its
# shared object, so loading it fails.

use strict;
use vars qw($VERSION);

use Digest::SHA1;

$VERSION = "3.002004";

1;
