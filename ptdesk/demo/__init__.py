"""The synthetic demo clinic and a generator for clinics of any size (benchmarks). A room of its
own, outside the use cases: it writes through the services and storage like any other caller."""
