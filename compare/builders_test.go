package compare

import "github.com/fleetcheck/fleetcheck/fleet/fleettest"

// This package's tests build their hosts with package fleettest, under
// these short names.
var (
	goodHost        = fleettest.GoodHost
	seedBox         = fleettest.SeedBox
	shadowBox       = fleettest.ShadowBox
	hangBox         = fleettest.HangBox
	unreachableBox  = fleettest.UnreachableBox
	failedProbesBox = fleettest.FailedProbesBox
	statusBox       = fleettest.StatusBox
	setModule       = fleettest.SetModule
	setMSModule     = fleettest.SetMSModule
	modCopy         = fleettest.ModCopy
	loads           = fleettest.Loads
	pathMountOn     = fleettest.PathMountOn
	cfg             = fleettest.Cfg
	msRPM           = fleettest.MSRPM
	centosRPM       = fleettest.CentOSRPM
	scenarioTime    = fleettest.Time

	incSiteArch   = fleettest.IncSiteArch
	incSite       = fleettest.IncSite
	incVendorArch = fleettest.IncVendorArch
	incVendor     = fleettest.IncVendor
	incArch       = fleettest.IncArch
	seedINC       = fleettest.SeedINC
)

var (
	use          = fleettest.Use
	spaceOn      = fleettest.SpaceOn
	goodSpace    = fleettest.GoodSpace
	withSpace    = fleettest.WithSpace
	fullSpoolBox = fleettest.FullSpoolBox
	absentBox    = fleettest.NoMailScannerBox
)

var (
	goodMemory    = fleettest.GoodMemory
	withMemory    = fleettest.WithMemory
	swapBox       = fleettest.SwapBox
	goodDNS       = fleettest.GoodDNS
	withDNS       = fleettest.WithDNS
	deadDNSBox    = fleettest.DeadDNSBox
	withResources = fleettest.WithResources
)
