letter*
æå››:s@ôÓê¶·3Ja.b