"""What ptdesk knows, out: the board, the billed lines, FHIR, and the five import kinds."""
