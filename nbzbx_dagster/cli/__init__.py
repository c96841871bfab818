"""The ``nbzbx`` command: its commands, the doctor, and running a system job in this process."""
