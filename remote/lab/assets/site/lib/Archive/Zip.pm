package Archive::Zip;

# fleetlab: plays a CPAN Archive::Zip too old for MailScanner, hand-installed
# in the Perl site directory where it shadows the packaged one. It loads and
# exports the error codes MailScanner imports (use Archive::Zip
# qw(:ERROR_CODES)), so MailScanner -v lists it and MailScanner starts; but
# it has no setErrorHandler, so perl dies when MailScanner --lint unpacks
# its test message ("Undefined subroutine &Archive::Zip::setErrorHandler").

use strict;
use vars qw($VERSION @ISA @EXPORT_OK %EXPORT_TAGS);

require Exporter;
@ISA = qw(Exporter);

$VERSION = '1.04';

use constant AZ_OK           => 0;
use constant AZ_STREAM_END   => 1;
use constant AZ_ERROR        => 2;
use constant AZ_FORMAT_ERROR => 3;
use constant AZ_IO_ERROR     => 4;

%EXPORT_TAGS = (ERROR_CODES => [qw(AZ_OK AZ_STREAM_END AZ_ERROR AZ_FORMAT_ERROR AZ_IO_ERROR)]);
@EXPORT_OK = @{ $EXPORT_TAGS{ERROR_CODES} };

sub new {
    my $class = shift;
    return bless { members => [] }, $class;
}

sub members { return @{ $_[0]->{members} } }

1;
