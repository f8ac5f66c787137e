"""The lookup and the patient's record: patients, coverages, visits."""
