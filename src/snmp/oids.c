/*
 * The OID catalogue.  Numbers are from the RFC MIBs (SNMPv2-MIB RFC 3418,
 * IF-MIB RFC 2863, UPS-MIB RFC 1628, ENTITY-MIB RFC 6933, ENTITY-SENSOR-MIB
 * RFC 3433, BGP4-MIB RFC 4273, HOST-RESOURCES-MIB RFC 2790) and the vendors' published MIBs
 * (CISCO-ENTITY-SENSOR-MIB, AIRESPACE-WIRELESS-MIB, Aruba WLSX-WLAN-MIB).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oids.h"

#define IFSTATUS "1:up,2:down,3:testing,4:unknown,5:dormant,6:notPresent,7:lowerLayerDown"

static const struct oid_def catalogue[] = {
	/* SNMPv2-MIB system group */
	{ "system", "1.3.6.1.2.1.1", "SNMPv2-MIB", NULL, 0 },
	{ "sysDescr", "1.3.6.1.2.1.1.1", "SNMPv2-MIB", NULL, 0 },
	{ "sysObjectID", "1.3.6.1.2.1.1.2", "SNMPv2-MIB", NULL, 0 },
	{ "sysUpTime", "1.3.6.1.2.1.1.3", "SNMPv2-MIB", NULL, 0 },
	{ "sysContact", "1.3.6.1.2.1.1.4", "SNMPv2-MIB", NULL, 0 },
	{ "sysName", "1.3.6.1.2.1.1.5", "SNMPv2-MIB", NULL, 0 },
	{ "sysLocation", "1.3.6.1.2.1.1.6", "SNMPv2-MIB", NULL, 0 },
	{ "sysServices", "1.3.6.1.2.1.1.7", "SNMPv2-MIB", NULL, 0 },
	{ "sysORLastChange", "1.3.6.1.2.1.1.8", "SNMPv2-MIB", NULL, 0 },
	{ "sysORTable", "1.3.6.1.2.1.1.9", "SNMPv2-MIB", NULL, 1 },
	{ "sysORID", "1.3.6.1.2.1.1.9.1.2", "SNMPv2-MIB", NULL, 0 },
	{ "sysORDescr", "1.3.6.1.2.1.1.9.1.3", "SNMPv2-MIB", NULL, 0 },
	{ "sysORUpTime", "1.3.6.1.2.1.1.9.1.4", "SNMPv2-MIB", NULL, 0 },
	/* notifications (SNMPv2-MIB, IF-MIB) */
	{ "snmpTrapOID", "1.3.6.1.6.3.1.1.4.1", "SNMPv2-MIB", NULL, 0 },
	{ "snmpTrapEnterprise", "1.3.6.1.6.3.1.1.4.3", "SNMPv2-MIB", NULL, 0 },
	{ "coldStart", "1.3.6.1.6.3.1.1.5.1", "SNMPv2-MIB", NULL, 0 },
	{ "warmStart", "1.3.6.1.6.3.1.1.5.2", "SNMPv2-MIB", NULL, 0 },
	{ "linkDown", "1.3.6.1.6.3.1.1.5.3", "IF-MIB", NULL, 0 },
	{ "linkUp", "1.3.6.1.6.3.1.1.5.4", "IF-MIB", NULL, 0 },
	{ "authenticationFailure", "1.3.6.1.6.3.1.1.5.5", "SNMPv2-MIB", NULL, 0 },
	/* SNMPv2-MIB snmp group: the agent's own counters */
	{ "snmpInPkts", "1.3.6.1.2.1.11.1", "SNMPv2-MIB", NULL, 0 },
	{ "snmpInBadVersions", "1.3.6.1.2.1.11.3", "SNMPv2-MIB", NULL, 0 },
	{ "snmpInBadCommunityNames", "1.3.6.1.2.1.11.4", "SNMPv2-MIB", NULL, 0 },
	{ "snmpInBadCommunityUses", "1.3.6.1.2.1.11.5", "SNMPv2-MIB", NULL, 0 },
	{ "snmpInASNParseErrs", "1.3.6.1.2.1.11.6", "SNMPv2-MIB", NULL, 0 },
	{ "snmpEnableAuthenTraps", "1.3.6.1.2.1.11.30", "SNMPv2-MIB", "1:enabled,2:disabled", 0 },
	{ "snmpSilentDrops", "1.3.6.1.2.1.11.31", "SNMPv2-MIB", NULL, 0 },
	{ "snmpProxyDrops", "1.3.6.1.2.1.11.32", "SNMPv2-MIB", NULL, 0 },
	/* IF-MIB ifTable */
	{ "ifNumber", "1.3.6.1.2.1.2.1", "IF-MIB", NULL, 0 },
	{ "ifTable", "1.3.6.1.2.1.2.2", "IF-MIB", NULL, 1 },
	{ "ifIndex", "1.3.6.1.2.1.2.2.1.1", "IF-MIB", NULL, 0 },
	{ "ifDescr", "1.3.6.1.2.1.2.2.1.2", "IF-MIB", NULL, 0 },
	{ "ifType", "1.3.6.1.2.1.2.2.1.3", "IF-MIB", NULL, 0 },
	{ "ifMtu", "1.3.6.1.2.1.2.2.1.4", "IF-MIB", NULL, 0 },
	{ "ifSpeed", "1.3.6.1.2.1.2.2.1.5", "IF-MIB", NULL, 0 },
	{ "ifPhysAddress", "1.3.6.1.2.1.2.2.1.6", "IF-MIB", NULL, 0 },
	{ "ifAdminStatus", "1.3.6.1.2.1.2.2.1.7", "IF-MIB", "1:up,2:down,3:testing", 0 },
	{ "ifOperStatus", "1.3.6.1.2.1.2.2.1.8", "IF-MIB", IFSTATUS, 0 },
	{ "ifLastChange", "1.3.6.1.2.1.2.2.1.9", "IF-MIB", NULL, 0 },
	{ "ifInOctets", "1.3.6.1.2.1.2.2.1.10", "IF-MIB", NULL, 0 },
	{ "ifInUcastPkts", "1.3.6.1.2.1.2.2.1.11", "IF-MIB", NULL, 0 },
	{ "ifInNUcastPkts", "1.3.6.1.2.1.2.2.1.12", "IF-MIB", NULL, 0 },
	{ "ifInDiscards", "1.3.6.1.2.1.2.2.1.13", "IF-MIB", NULL, 0 },
	{ "ifInErrors", "1.3.6.1.2.1.2.2.1.14", "IF-MIB", NULL, 0 },
	{ "ifInUnknownProtos", "1.3.6.1.2.1.2.2.1.15", "IF-MIB", NULL, 0 },
	{ "ifOutOctets", "1.3.6.1.2.1.2.2.1.16", "IF-MIB", NULL, 0 },
	{ "ifOutUcastPkts", "1.3.6.1.2.1.2.2.1.17", "IF-MIB", NULL, 0 },
	{ "ifOutNUcastPkts", "1.3.6.1.2.1.2.2.1.18", "IF-MIB", NULL, 0 },
	{ "ifOutDiscards", "1.3.6.1.2.1.2.2.1.19", "IF-MIB", NULL, 0 },
	{ "ifOutErrors", "1.3.6.1.2.1.2.2.1.20", "IF-MIB", NULL, 0 },
	{ "ifOutQLen", "1.3.6.1.2.1.2.2.1.21", "IF-MIB", NULL, 0 },
	{ "ifSpecific", "1.3.6.1.2.1.2.2.1.22", "IF-MIB", NULL, 0 },
	/* IF-MIB ifXTable */
	{ "ifXTable", "1.3.6.1.2.1.31.1.1", "IF-MIB", NULL, 1 },
	{ "ifName", "1.3.6.1.2.1.31.1.1.1.1", "IF-MIB", NULL, 0 },
	{ "ifInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.2", "IF-MIB", NULL, 0 },
	{ "ifInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.3", "IF-MIB", NULL, 0 },
	{ "ifOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.4", "IF-MIB", NULL, 0 },
	{ "ifOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.5", "IF-MIB", NULL, 0 },
	{ "ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6", "IF-MIB", NULL, 0 },
	{ "ifHCInUcastPkts", "1.3.6.1.2.1.31.1.1.1.7", "IF-MIB", NULL, 0 },
	{ "ifHCInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.8", "IF-MIB", NULL, 0 },
	{ "ifHCInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.9", "IF-MIB", NULL, 0 },
	{ "ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10", "IF-MIB", NULL, 0 },
	{ "ifHCOutUcastPkts", "1.3.6.1.2.1.31.1.1.1.11", "IF-MIB", NULL, 0 },
	{ "ifHCOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.12", "IF-MIB", NULL, 0 },
	{ "ifHCOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.13", "IF-MIB", NULL, 0 },
	{ "ifLinkUpDownTrapEnable", "1.3.6.1.2.1.31.1.1.1.14", "IF-MIB", "1:enabled,2:disabled", 0 },
	{ "ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15", "IF-MIB", NULL, 0 },
	{ "ifPromiscuousMode", "1.3.6.1.2.1.31.1.1.1.16", "IF-MIB", "1:true,2:false", 0 },
	{ "ifConnectorPresent", "1.3.6.1.2.1.31.1.1.1.17", "IF-MIB", "1:true,2:false", 0 },
	{ "ifAlias", "1.3.6.1.2.1.31.1.1.1.18", "IF-MIB", NULL, 0 },
	{ "ifCounterDiscontinuityTime", "1.3.6.1.2.1.31.1.1.1.19", "IF-MIB", NULL, 0 },
	/* UPS-MIB (RFC 1628) */
	{ "upsIdentManufacturer", "1.3.6.1.2.1.33.1.1.1", "UPS-MIB", NULL, 0 },
	{ "upsIdentModel", "1.3.6.1.2.1.33.1.1.2", "UPS-MIB", NULL, 0 },
	{ "upsIdentUPSSoftwareVersion", "1.3.6.1.2.1.33.1.1.3", "UPS-MIB", NULL, 0 },
	{ "upsIdentAgentSoftwareVersion", "1.3.6.1.2.1.33.1.1.4", "UPS-MIB", NULL, 0 },
	{ "upsIdentName", "1.3.6.1.2.1.33.1.1.5", "UPS-MIB", NULL, 0 },
	{ "upsIdentAttachedDevices", "1.3.6.1.2.1.33.1.1.6", "UPS-MIB", NULL, 0 },
	{ "upsBatteryStatus", "1.3.6.1.2.1.33.1.2.1", "UPS-MIB",
	    "1:unknown,2:batteryNormal,3:batteryLow,4:batteryDepleted", 0 },
	{ "upsSecondsOnBattery", "1.3.6.1.2.1.33.1.2.2", "UPS-MIB", NULL, 0 },
	{ "upsEstimatedMinutesRemaining", "1.3.6.1.2.1.33.1.2.3", "UPS-MIB", NULL, 0 },
	{ "upsEstimatedChargeRemaining", "1.3.6.1.2.1.33.1.2.4", "UPS-MIB", NULL, 0 },
	{ "upsBatteryVoltage", "1.3.6.1.2.1.33.1.2.5", "UPS-MIB", NULL, 0 },
	{ "upsBatteryCurrent", "1.3.6.1.2.1.33.1.2.6", "UPS-MIB", NULL, 0 },
	{ "upsBatteryTemperature", "1.3.6.1.2.1.33.1.2.7", "UPS-MIB", NULL, 0 },
	{ "upsInputLineBads", "1.3.6.1.2.1.33.1.3.1", "UPS-MIB", NULL, 0 },
	{ "upsInputNumLines", "1.3.6.1.2.1.33.1.3.2", "UPS-MIB", NULL, 0 },
	{ "upsInputTable", "1.3.6.1.2.1.33.1.3.3", "UPS-MIB", NULL, 1 },
	{ "upsInputFrequency", "1.3.6.1.2.1.33.1.3.3.1.2", "UPS-MIB", NULL, 0 },
	{ "upsInputVoltage", "1.3.6.1.2.1.33.1.3.3.1.3", "UPS-MIB", NULL, 0 },
	{ "upsInputCurrent", "1.3.6.1.2.1.33.1.3.3.1.4", "UPS-MIB", NULL, 0 },
	{ "upsInputTruePower", "1.3.6.1.2.1.33.1.3.3.1.5", "UPS-MIB", NULL, 0 },
	{ "upsOutputSource", "1.3.6.1.2.1.33.1.4.1", "UPS-MIB",
	    "1:other,2:none,3:normal,4:bypass,5:battery,6:booster,7:reducer", 0 },
	{ "upsOutputFrequency", "1.3.6.1.2.1.33.1.4.2", "UPS-MIB", NULL, 0 },
	{ "upsOutputNumLines", "1.3.6.1.2.1.33.1.4.3", "UPS-MIB", NULL, 0 },
	{ "upsOutputTable", "1.3.6.1.2.1.33.1.4.4", "UPS-MIB", NULL, 1 },
	{ "upsOutputVoltage", "1.3.6.1.2.1.33.1.4.4.1.2", "UPS-MIB", NULL, 0 },
	{ "upsOutputCurrent", "1.3.6.1.2.1.33.1.4.4.1.3", "UPS-MIB", NULL, 0 },
	{ "upsOutputPower", "1.3.6.1.2.1.33.1.4.4.1.4", "UPS-MIB", NULL, 0 },
	{ "upsOutputPercentLoad", "1.3.6.1.2.1.33.1.4.4.1.5", "UPS-MIB", NULL, 0 },
	{ "upsBypassFrequency", "1.3.6.1.2.1.33.1.5.1", "UPS-MIB", NULL, 0 },
	{ "upsBypassNumLines", "1.3.6.1.2.1.33.1.5.2", "UPS-MIB", NULL, 0 },
	{ "upsBypassTable", "1.3.6.1.2.1.33.1.5.3", "UPS-MIB", NULL, 1 },
	{ "upsBypassVoltage", "1.3.6.1.2.1.33.1.5.3.1.2", "UPS-MIB", NULL, 0 },
	{ "upsAlarmsPresent", "1.3.6.1.2.1.33.1.6.1", "UPS-MIB", NULL, 0 },
	{ "upsAlarmTable", "1.3.6.1.2.1.33.1.6.2", "UPS-MIB", NULL, 1 },
	{ "upsAlarmId", "1.3.6.1.2.1.33.1.6.2.1.1", "UPS-MIB", NULL, 0 },
	{ "upsAlarmDescr", "1.3.6.1.2.1.33.1.6.2.1.2", "UPS-MIB", NULL, 0 },
	{ "upsAlarmTime", "1.3.6.1.2.1.33.1.6.2.1.3", "UPS-MIB", NULL, 0 },
	{ "upsAlarmBatteryBad", "1.3.6.1.2.1.33.1.6.3.1", "UPS-MIB", NULL, 0 },
	{ "upsAlarmOnBattery", "1.3.6.1.2.1.33.1.6.3.2", "UPS-MIB", NULL, 0 },
	{ "upsAlarmLowBattery", "1.3.6.1.2.1.33.1.6.3.3", "UPS-MIB", NULL, 0 },
	{ "upsAlarmDepletedBattery", "1.3.6.1.2.1.33.1.6.3.4", "UPS-MIB", NULL, 0 },
	{ "upsAlarmTempBad", "1.3.6.1.2.1.33.1.6.3.5", "UPS-MIB", NULL, 0 },
	{ "upsAlarmInputBad", "1.3.6.1.2.1.33.1.6.3.6", "UPS-MIB", NULL, 0 },
	{ "upsAlarmOutputBad", "1.3.6.1.2.1.33.1.6.3.7", "UPS-MIB", NULL, 0 },
	{ "upsAlarmOutputOverload", "1.3.6.1.2.1.33.1.6.3.8", "UPS-MIB", NULL, 0 },
	{ "upsAlarmOnBypass", "1.3.6.1.2.1.33.1.6.3.9", "UPS-MIB", NULL, 0 },
	{ "upsAlarmBypassBad", "1.3.6.1.2.1.33.1.6.3.10", "UPS-MIB", NULL, 0 },
	{ "upsAlarmOutputOffAsRequested", "1.3.6.1.2.1.33.1.6.3.11", "UPS-MIB", NULL, 0 },
	{ "upsAlarmUpsOffAsRequested", "1.3.6.1.2.1.33.1.6.3.12", "UPS-MIB", NULL, 0 },
	{ "upsAlarmChargerFailed", "1.3.6.1.2.1.33.1.6.3.13", "UPS-MIB", NULL, 0 },
	{ "upsAlarmUpsOutputOff", "1.3.6.1.2.1.33.1.6.3.14", "UPS-MIB", NULL, 0 },
	{ "upsAlarmUpsSystemOff", "1.3.6.1.2.1.33.1.6.3.15", "UPS-MIB", NULL, 0 },
	{ "upsAlarmFanFailure", "1.3.6.1.2.1.33.1.6.3.16", "UPS-MIB", NULL, 0 },
	{ "upsAlarmFuseFailure", "1.3.6.1.2.1.33.1.6.3.17", "UPS-MIB", NULL, 0 },
	{ "upsAlarmGeneralFault", "1.3.6.1.2.1.33.1.6.3.18", "UPS-MIB", NULL, 0 },
	{ "upsAlarmDiagnosticTestFailed", "1.3.6.1.2.1.33.1.6.3.19", "UPS-MIB", NULL, 0 },
	{ "upsAlarmCommunicationsLost", "1.3.6.1.2.1.33.1.6.3.20", "UPS-MIB", NULL, 0 },
	{ "upsAlarmAwaitingPower", "1.3.6.1.2.1.33.1.6.3.21", "UPS-MIB", NULL, 0 },
	{ "upsAlarmShutdownPending", "1.3.6.1.2.1.33.1.6.3.22", "UPS-MIB", NULL, 0 },
	{ "upsAlarmShutdownImminent", "1.3.6.1.2.1.33.1.6.3.23", "UPS-MIB", NULL, 0 },
	{ "upsAlarmTestInProgress", "1.3.6.1.2.1.33.1.6.3.24", "UPS-MIB", NULL, 0 },
	{ "upsTrapOnBattery", "1.3.6.1.2.1.33.2.1", "UPS-MIB", NULL, 0 },
	{ "upsTrapTestCompleted", "1.3.6.1.2.1.33.2.2", "UPS-MIB", NULL, 0 },
	{ "upsTrapAlarmEntryAdded", "1.3.6.1.2.1.33.2.3", "UPS-MIB", NULL, 0 },
	{ "upsTrapAlarmEntryRemoved", "1.3.6.1.2.1.33.2.4", "UPS-MIB", NULL, 0 },
	/* APC PowerNet-MIB (Smart-UPS network management cards) */
	{ "upsBasicBatteryStatus", "1.3.6.1.4.1.318.1.1.1.2.1.1", "PowerNet-MIB",
	    "1:unknown,2:batteryNormal,3:batteryLow,4:batteryInFaultCondition", 0 },
	{ "upsAdvBatteryCapacity", "1.3.6.1.4.1.318.1.1.1.2.2.1", "PowerNet-MIB", NULL, 0 },
	{ "upsAdvBatteryRunTimeRemaining", "1.3.6.1.4.1.318.1.1.1.2.2.3", "PowerNet-MIB", NULL, 0 },
	{ "upsBasicOutputStatus", "1.3.6.1.4.1.318.1.1.1.4.1.1", "PowerNet-MIB",
	    "1:unknown,2:onLine,3:onBattery,4:onSmartBoost,5:timedSleeping,6:softwareBypass,7:off,8:rebooting,9:switchedBypass,10:hardwareFailureBypass,11:sleepingUntilPowerReturn,12:onSmartTrim,13:ecoMode,14:hotStandby,15:onBatteryTest", 0 },
	/* ENTITY-MIB and ENTITY-SENSOR-MIB */
	{ "entPhysicalTable", "1.3.6.1.2.1.47.1.1.1", "ENTITY-MIB", NULL, 1 },
	{ "entPhysicalDescr", "1.3.6.1.2.1.47.1.1.1.1.2", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalClass", "1.3.6.1.2.1.47.1.1.1.1.5", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalName", "1.3.6.1.2.1.47.1.1.1.1.7", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalHardwareRev", "1.3.6.1.2.1.47.1.1.1.1.8", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalFirmwareRev", "1.3.6.1.2.1.47.1.1.1.1.9", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalSoftwareRev", "1.3.6.1.2.1.47.1.1.1.1.10", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalSerialNum", "1.3.6.1.2.1.47.1.1.1.1.11", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalMfgName", "1.3.6.1.2.1.47.1.1.1.1.12", "ENTITY-MIB", NULL, 0 },
	{ "entPhysicalModelName", "1.3.6.1.2.1.47.1.1.1.1.13", "ENTITY-MIB", NULL, 0 },
	{ "entPhySensorTable", "1.3.6.1.2.1.99.1.1", "ENTITY-SENSOR-MIB", NULL, 1 },
	{ "entPhySensorType", "1.3.6.1.2.1.99.1.1.1.1", "ENTITY-SENSOR-MIB",
	    "1:other,2:unknown,3:voltsAC,4:voltsDC,5:amperes,6:watts,7:hertz,8:celsius,9:percentRH,10:rpm,11:cmm,12:truthvalue,13:specialEnum,14:dBm", 0 },
	{ "entPhySensorScale", "1.3.6.1.2.1.99.1.1.1.2", "ENTITY-SENSOR-MIB", NULL, 0 },
	{ "entPhySensorPrecision", "1.3.6.1.2.1.99.1.1.1.3", "ENTITY-SENSOR-MIB", NULL, 0 },
	{ "entPhySensorValue", "1.3.6.1.2.1.99.1.1.1.4", "ENTITY-SENSOR-MIB", NULL, 0 },
	{ "entPhySensorOperStatus", "1.3.6.1.2.1.99.1.1.1.5", "ENTITY-SENSOR-MIB",
	    "1:ok,2:unavailable,3:nonoperational", 0 },
	{ "entPhySensorUnitsDisplay", "1.3.6.1.2.1.99.1.1.1.6", "ENTITY-SENSOR-MIB", NULL, 0 },
	/* CISCO-ENTITY-SENSOR-MIB: transceiver Rx/Tx power in dBm */
	{ "entSensorValueTable", "1.3.6.1.4.1.9.9.91.1.1.1", "CISCO-ENTITY-SENSOR-MIB", NULL, 1 },
	{ "entSensorType", "1.3.6.1.4.1.9.9.91.1.1.1.1.1", "CISCO-ENTITY-SENSOR-MIB",
	    "1:other,2:unknown,3:voltsAC,4:voltsDC,5:amperes,6:watts,7:hertz,8:celsius,9:percentRH,10:rpm,11:cmm,12:truthvalue,13:specialEnum,14:dBm", 0 },
	{ "entSensorScale", "1.3.6.1.4.1.9.9.91.1.1.1.1.2", "CISCO-ENTITY-SENSOR-MIB", NULL, 0 },
	{ "entSensorPrecision", "1.3.6.1.4.1.9.9.91.1.1.1.1.3", "CISCO-ENTITY-SENSOR-MIB", NULL, 0 },
	{ "entSensorValue", "1.3.6.1.4.1.9.9.91.1.1.1.1.4", "CISCO-ENTITY-SENSOR-MIB", NULL, 0 },
	{ "entSensorStatus", "1.3.6.1.4.1.9.9.91.1.1.1.1.5", "CISCO-ENTITY-SENSOR-MIB",
	    "1:ok,2:unavailable,3:nonoperational", 0 },
	/* AIRESPACE-WIRELESS-MIB (Cisco wireless LAN controllers) */
	{ "bsnAPTable", "1.3.6.1.4.1.14179.2.2.1", "AIRESPACE-WIRELESS-MIB", NULL, 1 },
	{ "bsnAPDot3MacAddress", "1.3.6.1.4.1.14179.2.2.1.1.1", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	{ "bsnAPName", "1.3.6.1.4.1.14179.2.2.1.1.3", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	{ "bsnAPLocation", "1.3.6.1.4.1.14179.2.2.1.1.4", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	{ "bsnAPOperationStatus", "1.3.6.1.4.1.14179.2.2.1.1.6", "AIRESPACE-WIRELESS-MIB",
	    "1:associated,2:disassociating,3:downloading", 0 },
	{ "bsnAPModel", "1.3.6.1.4.1.14179.2.2.1.1.16", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	{ "bsnAPIfLoadNumOfClients", "1.3.6.1.4.1.14179.2.2.13.1.4", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	{ "bsnDot11EssNumberOfMobileStations", "1.3.6.1.4.1.14179.2.1.1.1.38", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	{ "bsnAPAssociated", "1.3.6.1.4.1.14179.2.6.3.7", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	{ "bsnAPDisassociated", "1.3.6.1.4.1.14179.2.6.3.8", "AIRESPACE-WIRELESS-MIB", NULL, 0 },
	/* Aruba WLSX-WLAN-MIB (mobility controllers) */
	{ "wlsxWlanAPTable", "1.3.6.1.4.1.14823.2.2.1.5.2.1.4", "WLSX-WLAN-MIB", NULL, 1 },
	{ "wlanAPIpAddress", "1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.2", "WLSX-WLAN-MIB", NULL, 0 },
	{ "wlanAPName", "1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.3", "WLSX-WLAN-MIB", NULL, 0 },
	{ "wlanAPStatus", "1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.19", "WLSX-WLAN-MIB", "1:up,2:down", 0 },
	/* BGP4-MIB (RFC 4273): the sessions of datacentre and WAN links */
	{ "bgpPeerTable", "1.3.6.1.2.1.15.3", "BGP4-MIB", NULL, 1 },
	{ "bgpPeerIdentifier", "1.3.6.1.2.1.15.3.1.1", "BGP4-MIB", NULL, 0 },
	{ "bgpPeerState", "1.3.6.1.2.1.15.3.1.2", "BGP4-MIB",
	    "1:idle,2:connect,3:active,4:opensent,5:openconfirm,6:established", 0 },
	{ "bgpPeerAdminStatus", "1.3.6.1.2.1.15.3.1.3", "BGP4-MIB", "1:stop,2:start", 0 },
	{ "bgpPeerRemoteAddr", "1.3.6.1.2.1.15.3.1.7", "BGP4-MIB", NULL, 0 },
	{ "bgpPeerRemoteAs", "1.3.6.1.2.1.15.3.1.9", "BGP4-MIB", NULL, 0 },
	{ "bgpPeerInUpdates", "1.3.6.1.2.1.15.3.1.10", "BGP4-MIB", NULL, 0 },
	{ "bgpPeerOutUpdates", "1.3.6.1.2.1.15.3.1.11", "BGP4-MIB", NULL, 0 },
	{ "bgpPeerFsmEstablishedTransitions", "1.3.6.1.2.1.15.3.1.15", "BGP4-MIB", NULL, 0 },
	{ "bgpPeerFsmEstablishedTime", "1.3.6.1.2.1.15.3.1.16", "BGP4-MIB", NULL, 0 },
	{ "bgpEstablishedNotification", "1.3.6.1.2.1.15.0.1", "BGP4-MIB", NULL, 0 },
	{ "bgpBackwardTransNotification", "1.3.6.1.2.1.15.0.2", "BGP4-MIB", NULL, 0 },
	/* HOST-RESOURCES-MIB basics */
	{ "hrSystemUptime", "1.3.6.1.2.1.25.1.1", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrSystemDate", "1.3.6.1.2.1.25.1.2", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrSystemNumUsers", "1.3.6.1.2.1.25.1.5", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrSystemProcesses", "1.3.6.1.2.1.25.1.6", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrMemorySize", "1.3.6.1.2.1.25.2.2", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrStorageTable", "1.3.6.1.2.1.25.2.3", "HOST-RESOURCES-MIB", NULL, 1 },
	{ "hrStorageIndex", "1.3.6.1.2.1.25.2.3.1.1", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrStorageType", "1.3.6.1.2.1.25.2.3.1.2", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrStorageDescr", "1.3.6.1.2.1.25.2.3.1.3", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrStorageAllocationUnits", "1.3.6.1.2.1.25.2.3.1.4", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrStorageSize", "1.3.6.1.2.1.25.2.3.1.5", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrStorageUsed", "1.3.6.1.2.1.25.2.3.1.6", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrStorageAllocationFailures", "1.3.6.1.2.1.25.2.3.1.7", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrDeviceTable", "1.3.6.1.2.1.25.3.2", "HOST-RESOURCES-MIB", NULL, 1 },
	{ "hrDeviceDescr", "1.3.6.1.2.1.25.3.2.1.3", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrDeviceStatus", "1.3.6.1.2.1.25.3.2.1.5", "HOST-RESOURCES-MIB",
	    "1:unknown,2:running,3:warning,4:testing,5:down", 0 },
	{ "hrDeviceErrors", "1.3.6.1.2.1.25.3.2.1.6", "HOST-RESOURCES-MIB", NULL, 0 },
	{ "hrProcessorTable", "1.3.6.1.2.1.25.3.3", "HOST-RESOURCES-MIB", NULL, 1 },
	{ "hrProcessorLoad", "1.3.6.1.2.1.25.3.3.1.2", "HOST-RESOURCES-MIB", NULL, 0 },
	/* SNMP-USER-BASED-SM-MIB report counters (why a v3 request failed) */
	{ "usmStatsUnsupportedSecLevels", "1.3.6.1.6.3.15.1.1.1", "SNMP-USER-BASED-SM-MIB", NULL, 0 },
	{ "usmStatsNotInTimeWindows", "1.3.6.1.6.3.15.1.1.2", "SNMP-USER-BASED-SM-MIB", NULL, 0 },
	{ "usmStatsUnknownUserNames", "1.3.6.1.6.3.15.1.1.3", "SNMP-USER-BASED-SM-MIB", NULL, 0 },
	{ "usmStatsUnknownEngineIDs", "1.3.6.1.6.3.15.1.1.4", "SNMP-USER-BASED-SM-MIB", NULL, 0 },
	{ "usmStatsWrongDigests", "1.3.6.1.6.3.15.1.1.5", "SNMP-USER-BASED-SM-MIB", NULL, 0 },
	{ "usmStatsDecryptionErrors", "1.3.6.1.6.3.15.1.1.6", "SNMP-USER-BASED-SM-MIB", NULL, 0 },
};

#define NCAT (sizeof(catalogue) / sizeof(catalogue[0]))

/* Parsed numbers of the catalogue, filled on first use. */
static struct snmp_oid cat_oids[NCAT];
static int cat_ready;

static int
oid_parse_numeric(const char *s, struct snmp_oid *o, char *err, size_t errlen)
{
	const char *p = s;
	char *end;
	unsigned long v;

	o->len = 0;
	if (*p == '.')
		p++;
	if (*p == '\0') {
		snprintf(err, errlen, "empty OID");
		return -1;
	}
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p)) {
			snprintf(err, errlen, "'%.80s' is not a valid OID", s);
			return -1;
		}
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno == ERANGE || v > UINT32_MAX) {
			snprintf(err, errlen, "'%.80s': sub-identifier too large", s);
			return -1;
		}
		if (o->len >= OID_MAX_LEN) {
			snprintf(err, errlen, "'%.40s...': OID too long", s);
			return -1;
		}
		o->n[o->len++] = (uint32_t)v;
		p = end;
		if (*p == '.') {
			p++;
			if (*p == '\0') {
				snprintf(err, errlen, "'%.80s' ends with '.'", s);
				return -1;
			}
		} else if (*p != '\0') {
			snprintf(err, errlen, "'%.80s' is not a valid OID", s);
			return -1;
		}
	}
	return 0;
}

static void
cat_init(void)
{
	char err[128];
	size_t i;

	if (cat_ready)
		return;
	for (i = 0; i < NCAT; i++)
		if (oid_parse_numeric(catalogue[i].oid, &cat_oids[i], err,
		    sizeof(err)) == -1)
			abort();	/* a typo in the table above */
	cat_ready = 1;
}

const struct oid_def *
oid_find_name(const char *name)
{
	size_t i;

	for (i = 0; i < NCAT; i++)
		if (strcmp(catalogue[i].name, name) == 0)
			return &catalogue[i];
	return NULL;
}

#define MODULE_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"

/*
 * The registration tree's nodes (SNMPv2-SMI), for names such as
 * "enterprises.9.9.91" or "iso.3.6.1.2.1.1.3.0" as net-snmp prints them.
 * Parsed only: an OID is shown by its object's name, or as numbers.
 */
static const char *
base_node(const char *name)
{
	static const char *const nodes[][2] = {
		{ "iso", "1" }, { "org", "1.3" }, { "dod", "1.3.6" },
		{ "internet", "1.3.6.1" }, { "mgmt", "1.3.6.1.2" },
		{ "mib-2", "1.3.6.1.2.1" }, { "transmission", "1.3.6.1.2.1.10" },
		{ "private", "1.3.6.1.4" }, { "enterprises", "1.3.6.1.4.1" },
		{ "snmpV2", "1.3.6.1.6" }, { "snmpModules", "1.3.6.1.6.3" },
	};
	size_t i;

	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (strcmp(name, nodes[i][0]) == 0)
			return nodes[i][1];
	return NULL;
}

int
oid_parse(const char *s, struct snmp_oid *out, char *err, size_t errlen)
{
	const struct oid_def *d;
	const char *mod, *base;
	char name[64];
	size_t n;
	struct snmp_oid suffix;

	if (s == NULL || *s == '\0') {
		snprintf(err, errlen, "empty OID");
		return -1;
	}
	if (*s == '.' || isdigit((unsigned char)*s))
		return oid_parse_numeric(s, out, err, errlen);
	/* net-snmp's MODULE::name: the name is what tells the object. */
	if ((mod = strstr(s, "::")) != NULL && mod > s &&
	    strspn(s, MODULE_CHARS) == (size_t)(mod - s))
		s = mod + 2;
	n = strcspn(s, ".");
	if (n >= sizeof(name)) {
		snprintf(err, errlen, "unknown object name '%.40s'", s);
		return -1;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	if ((d = oid_find_name(name)) != NULL) {
		cat_init();
		*out = cat_oids[d - catalogue];
	} else if ((base = base_node(name)) == NULL ||
	    oid_parse_numeric(base, out, err, errlen) == -1) {
		snprintf(err, errlen, "unknown object name '%.60s' (use a "
		    "numeric OID)", name);
		return -1;
	}
	if (s[n] == '\0')
		return 0;
	if (oid_parse_numeric(s + n + 1, &suffix, err, errlen) == -1)
		return -1;
	if (out->len + suffix.len > OID_MAX_LEN) {
		snprintf(err, errlen, "OID too long");
		return -1;
	}
	memcpy(out->n + out->len, suffix.n, suffix.len * sizeof(uint32_t));
	out->len += suffix.len;
	return 0;
}

int
oid_has_prefix(const struct snmp_oid *o, const struct snmp_oid *prefix)
{
	return o->len >= prefix->len &&
	    memcmp(o->n, prefix->n, prefix->len * sizeof(uint32_t)) == 0;
}

int
oid_compare(const struct snmp_oid *a, const struct snmp_oid *b)
{
	size_t i, n = a->len < b->len ? a->len : b->len;

	for (i = 0; i < n; i++)
		if (a->n[i] != b->n[i])
			return a->n[i] < b->n[i] ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

const struct oid_def *
oid_find_prefix(const struct snmp_oid *o)
{
	size_t i, best_len = 0;
	const struct oid_def *best = NULL;

	cat_init();
	for (i = 0; i < NCAT; i++)
		if (cat_oids[i].len > best_len && oid_has_prefix(o, &cat_oids[i])) {
			best = &catalogue[i];
			best_len = cat_oids[i].len;
		}
	return best;
}

char *
oid_format_numeric(const struct snmp_oid *o, char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < o->len && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%u", i ? "." : "", o->n[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

char *
oid_format(const struct snmp_oid *o, char *buf, size_t len)
{
	const struct oid_def *d = oid_find_prefix(o);
	struct snmp_oid rest;
	size_t dl, n;

	if (d == NULL)
		return oid_format_numeric(o, buf, len);
	dl = cat_oids[d - catalogue].len;
	snprintf(buf, len, "%s", d->name);
	if (o->len == dl)
		return buf;
	rest.len = o->len - dl;
	memcpy(rest.n, o->n + dl, rest.len * sizeof(uint32_t));
	n = strlen(buf);
	if (n + 1 < len) {
		buf[n] = '.';
		oid_format_numeric(&rest, buf + n + 1, len - n - 1);
	}
	return buf;
}

const char *
oid_enum_label(const struct oid_def *d, long v)
{
	static char label[48];
	const char *p;
	char *end;
	long k;
	size_t n;

	if (d == NULL || d->enums == NULL)
		return NULL;
	for (p = d->enums; *p != '\0';) {
		k = strtol(p, &end, 10);
		if (*end != ':')
			return NULL;
		p = end + 1;
		n = strcspn(p, ",");
		if (k == v) {
			snprintf(label, sizeof(label), "%.*s", (int)n, p);
			return label;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return NULL;
}

/* The number of enumeration label (case-insensitive) in d, or -1. */
static int
enum_value(const struct oid_def *d, const char *label, size_t len, long *v)
{
	const char *p;
	char *end;
	size_t n;

	if (d == NULL || d->enums == NULL)
		return -1;
	for (p = d->enums; *p != '\0';) {
		*v = strtol(p, &end, 10);
		if (*end != ':')
			return -1;
		p = end + 1;
		n = strcspn(p, ",");
		if (n == len && strncasecmp(p, label, len) == 0)
			return 0;
		p += n;
		if (*p == ',')
			p++;
	}
	return -1;
}

/* One word of an expectation as a number: itself, or its label's. */
static int
expect_word(const struct oid_def *d, const char *w, size_t len, double *x)
{
	char buf[48], *end;
	long v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, w, len);
	buf[len] = '\0';
	*x = strtod(buf, &end);
	if (*end == '\0')
		return 0;
	if (enum_value(d, buf, len, &v) == 0) {
		*x = (double)v;
		return 0;
	}
	return -1;
}

/*
 * The words of an expectation, in turn: with v, 1 as soon as one equals
 * *v, else 0; without, 0 if every word reads and the separators are
 * right, else -1 with err filled.
 */
static int
expect_walk(const struct oid_def *d, const char *expect, const double *v,
    char *err, size_t errlen)
{
	const char *p = expect;
	size_t n;
	double x;

	for (;;) {
		p += strspn(p, " ");
		n = strcspn(p, "|, ");
		if (expect_word(d, p, n, &x) == 0) {
			if (v != NULL && x == *v)
				return 1;
		} else if (v == NULL) {
			if (d != NULL && d->enums != NULL)
				snprintf(err, errlen, "'%.*s' is not a number "
				    "or a value of %s (%.160s)", (int)(n > 40 ?
				    40 : n), p, d->name, d->enums);
			else
				snprintf(err, errlen, "'%.*s' is not a number",
				    (int)(n > 40 ? 40 : n), p);
			return -1;
		}
		p += n;
		p += strspn(p, " ");
		if (*p == '\0')
			return 0;
		if (*p != '|' && *p != ',') {
			if (v == NULL)
				snprintf(err, errlen, "'%.40s': values are "
				    "separated by '|'", expect);
			return v == NULL ? -1 : 0;
		}
		p++;
	}
}

int
oid_expect_match(const struct oid_def *d, double v, const char *expect)
{
	return expect_walk(d, expect, &v, NULL, 0) == 1;
}

int
oid_expect_check(const struct oid_def *d, const char *expect, char *err,
    size_t errlen)
{
	return expect_walk(d, expect, NULL, err, errlen);
}

size_t
oid_catalogue_size(void)
{
	return NCAT;
}

const struct oid_def *
oid_catalogue_entry(size_t i)
{
	return i < NCAT ? &catalogue[i] : NULL;
}

/* upsBasicOutputStatus as upsOutputSource: 0 means nothing to say. */
static int
apc_output_source(int v)
{
	switch (v) {
	case 2: case 13: case 14: case 15:
		return 3;	/* on line, eco, hot standby, a battery test */
	case 3:
		return 5;	/* on battery */
	case 4:
		return 6;	/* smart boost */
	case 12:
		return 7;	/* smart trim */
	case 6: case 9: case 10:
		return 4;	/* bypass */
	case 5: case 7: case 11:
		return 2;	/* output off: the load has no power */
	default:
		return 0;	/* unknown, rebooting */
	}
}

int
oid_under(const struct snmp_oid *o, const char *prefix)
{
	struct snmp_oid p;
	char err[64];

	return oid_parse(prefix, &p, err, sizeof(err)) == 0 &&
	    oid_has_prefix(o, &p);
}

int
oid_is_ap(const struct snmp_oid *o)
{
	return oid_under(o, "1.3.6.1.4.1.14179.2.2") ||	/* Cisco bsnAP */
	    oid_under(o, "1.3.6.1.4.1.14823.2.2.1.5.2.1");	/* Aruba */
}

int
oid_is_ups(const struct snmp_oid *o)
{
	return oid_under(o, "1.3.6.1.2.1.33") || oid_under(o, "1.3.6.1.4.1.318.1.1.1");
}

enum ups_reading
oid_ups_reading(const struct snmp_oid *o, double v, double *norm)
{
	int x;

	*norm = v;
	if (oid_under(o, "1.3.6.1.2.1.33.1.2.4"))
		return UPS_CHARGE;
	if (oid_under(o, "1.3.6.1.2.1.33.1.2.3"))
		return UPS_MINUTES;
	if (oid_under(o, "1.3.6.1.2.1.33.1.4.1"))
		return UPS_SOURCE;
	if (oid_under(o, "1.3.6.1.2.1.33.1.2.1"))
		return UPS_BATTERY;
	if (oid_under(o, "1.3.6.1.4.1.318.1.1.1.2.2.1"))
		return UPS_CHARGE;
	if (oid_under(o, "1.3.6.1.4.1.318.1.1.1.2.2.3")) {
		*norm = v / 6000;	/* TimeTicks */
		return UPS_MINUTES;
	}
	if (oid_under(o, "1.3.6.1.4.1.318.1.1.1.4.1.1")) {
		x = apc_output_source((int)v);
		*norm = x ? x : NAN;
		return UPS_SOURCE;
	}
	if (oid_under(o, "1.3.6.1.4.1.318.1.1.1.2.1.1")) {
		/* batteryInFaultCondition is not a charge level */
		*norm = v == 2 || v == 3 ? v : NAN;
		return UPS_BATTERY;
	}
	*norm = NAN;
	return UPS_NONE;
}
