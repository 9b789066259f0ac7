3
c1X�ΌΤ4j
张三科长r	integrity�shelve
abc