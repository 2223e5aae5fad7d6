"""Everything tests build or read with: one package.

- events.py: plain factories of events and categories (make_event, make_category, person)
- checkin.py: factory_boy factories of the door (EventFactory, RegistrationFactory, …) and
  door_scene
- exhibitors.py: an event with a hall, booths, exhibitors and users, made through the services
- proceedings.py: a small forum for the proceedings book, and readers of the built PDF
- pdf.py: reading PDFs back (pdftotext, pdftoppm, zxing-cpp)
- mail.py: mail servers: one that is down, a real SMTP server (aiosmtpd), a dying worker
"""
