import IngestCore

