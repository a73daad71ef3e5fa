// Schedule analysis tests (critical path, delays, Gantt) are written by the schedule module's engineer.
