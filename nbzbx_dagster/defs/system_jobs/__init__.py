"""The system jobs' machinery: their declaration, the sensor that launches them when due, the
run scope every run works in (one transaction per server, fail loudly, event log), and the
detection of runs whose process died."""
