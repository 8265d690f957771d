"""The ESP32 fleet: MQTT protocol adapters, commands and confirmation, telemetry ingestion, simulator."""
