"""Building blocks shared by every room: date and number fields, the field form, status chips,
the saving dialog, the override reason dialog, table export."""
