-- A device's identity and presence, as Alibaba keeps them:
-- device_secret: the DeviceSecret a device signs its MQTT login with (RegisterDevice makes one, the seed may give one;
--   a row without one, from before this version or copied from an earlier database, gets one when a gateway starts);
-- status: ONLINE or OFFLINE, written by the embedded broker when the device connects and disconnects; NULL = never
--   connected (QueryDeviceDetail's UNACTIVE);
-- status_at: when status last changed, epoch ms (GetDeviceStatus' Timestamp);
-- online_at: when it last connected, epoch ms (BatchGetDeviceState's LastOnlineTime).
ALTER TABLE device ADD COLUMN device_secret VARCHAR(64);
ALTER TABLE device ADD COLUMN status VARCHAR(8);
ALTER TABLE device ADD COLUMN status_at BIGINT;
ALTER TABLE device ADD COLUMN online_at BIGINT;
