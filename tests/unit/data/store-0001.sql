PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE nbzbx_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT nbzbx_alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO nbzbx_alembic_version VALUES('0001');
CREATE TABLE zabbix_template (
	templateid VARCHAR(32) NOT NULL, 
	host VARCHAR(255) NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	parents JSON NOT NULL, 
	template_groups JSON NOT NULL, 
	interface_type VARCHAR(8) NOT NULL, 
	last_synced DATETIME NOT NULL, 
	CONSTRAINT pk_zabbix_template PRIMARY KEY (templateid), 
	CONSTRAINT ck_zabbix_template_interface_type CHECK (interface_type IN ('agent', 'snmp', 'any'))
);
INSERT INTO zabbix_template VALUES('10683','nbzbx Base','nbzbx Base','[]','["Templates/nbzbx"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10684','nbzbx Linux agent','nbzbx Linux agent','["10683"]','["Templates/nbzbx"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10685','nbzbx SNMP device','nbzbx SNMP device','["10683"]','["Templates/nbzbx"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10686','nbzbx Mixed','nbzbx Mixed','[]','["Templates/nbzbx"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10687','nbzbx Ueberwachung','nbzbx Überwachung ñ','["10684"]','["Templates/nbzbx"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10220','Cisco IOS prior to 12.0_3_T by SNMP','Cisco IOS prior to 12.0_3_T by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10221','Dell Force S-Series by SNMP','Dell Force S-Series by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10377','Morningstar TriStar PWM by SNMP','Morningstar TriStar PWM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10001','Linux by Zabbix agent','Linux by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10047','Zabbix server health','Zabbix server health','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10048','Zabbix proxy health','Zabbix proxy health','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10074','OpenBSD by Zabbix agent','OpenBSD by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10075','FreeBSD by Zabbix agent','FreeBSD by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10076','AIX by Zabbix agent','AIX by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10077','HP-UX by Zabbix agent','HP-UX by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10218','Cisco IOS by SNMP','Cisco IOS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10078','Solaris by Zabbix agent','Solaris by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10079','macOS by Zabbix agent','macOS by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10081','Windows by Zabbix agent','Windows by Zabbix agent','[]','["Templates/Operating systems"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10169','Generic Java JMX','Generic Java JMX','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10171','Intel SR1530 IPMI','Intel SR1530 IPMI','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10172','Intel SR1630 IPMI','Intel SR1630 IPMI','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10173','VMware','VMware','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10174','VMware Guest','VMware Guest','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10175','VMware Hypervisor','VMware Hypervisor','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10207','Alcatel Timetra TiMOS by SNMP','Alcatel Timetra TiMOS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10208','Brocade FC by SNMP','Brocade FC by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10210','Brocade_Foundry Nonstackable by SNMP','Brocade_Foundry Nonstackable by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10211','Brocade_Foundry Stackable by SNMP','Brocade_Foundry Stackable by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10222','D-Link DES 7200 by SNMP','D-Link DES 7200 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10223','D-Link DES_DGS Switch by SNMP','D-Link DES_DGS Switch by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10224','Extreme EXOS by SNMP','Extreme EXOS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10226','Network Generic Device by SNMP','Network Generic Device by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10227','HP Comware HH3C by SNMP','HP Comware HH3C by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10229','Huawei VRP by SNMP','Huawei VRP by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10230','Intel_Qlogic Infiniband by SNMP','Intel_Qlogic Infiniband by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10231','Juniper by SNMP','Juniper by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10233','Mikrotik by SNMP','Mikrotik by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10234','Netgear Fastpath by SNMP','Netgear Fastpath by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10235','QTech QSW by SNMP','QTech QSW by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10236','TP-LINK by SNMP','TP-LINK by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10237','Ubiquiti AirOS by SNMP','Ubiquiti AirOS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10262','Remote Zabbix proxy health','Remote Zabbix proxy health','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10248','Linux by SNMP','Linux by SNMP','[]','["Templates/Operating systems"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10249','Windows by SNMP','Windows by SNMP','[]','["Templates/Operating systems"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10250','HP Enterprise Switch by SNMP','HP Enterprise Switch by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10251','Mellanox by SNMP','Mellanox by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10253','Cisco IOS versions 12.0_3_T-12.2_3.5 by SNMP','Cisco IOS versions 12.0_3_T-12.2_3.5 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10254','Arista by SNMP','Arista by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10255','Dell iDRAC by SNMP','Dell iDRAC by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10256','HP iLO by SNMP','HP iLO by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10258','IBM IMM by SNMP','IBM IMM by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10259','Supermicro Aten by SNMP','Supermicro Aten by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10260','Apache Tomcat by JMX','Apache Tomcat by JMX','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10261','Remote Zabbix server health','Remote Zabbix server health','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10562','Zabbix agent active','Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10264','Apache by Zabbix agent','Apache by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10265','Apache by HTTP','Apache by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10266','Nginx by Zabbix agent','Nginx by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10267','Nginx by HTTP','Nginx by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10285','Linux by Prom','Linux by Prom','[]','["Templates/Operating systems"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10300','RabbitMQ cluster by Zabbix agent','RabbitMQ cluster by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10301','RabbitMQ node by Zabbix agent','RabbitMQ node by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10358','Apache ActiveMQ by JMX','Apache ActiveMQ by JMX','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10302','RabbitMQ cluster by HTTP','RabbitMQ cluster by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10303','RabbitMQ node by HTTP','RabbitMQ node by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10304','Cisco UCS by SNMP','Cisco UCS by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10308','HAProxy by Zabbix agent','HAProxy by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10309','HAProxy by HTTP','HAProxy by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10310','Redis by Zabbix agent 2','Redis by Zabbix agent 2','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10359','Aranet Cloud','Aranet Cloud','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10360','Microsoft Exchange Server 2016 by Zabbix agent','Microsoft Exchange Server 2016 by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10316','MySQL by Zabbix agent','MySQL by Zabbix agent','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10317','MySQL by ODBC','MySQL by ODBC','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10318','Docker by Zabbix agent 2','Docker by Zabbix agent 2','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10319','Memcached by Zabbix agent 2','Memcached by Zabbix agent 2','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10320','MySQL by Zabbix agent 2','MySQL by Zabbix agent 2','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10321','Chassis by IPMI','Chassis by IPMI','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10322','Elasticsearch Cluster by HTTP','Elasticsearch Cluster by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10378','NetApp FAS3220 by SNMP','NetApp FAS3220 by SNMP','[]','["Templates/SAN"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10323','ClickHouse by HTTP','ClickHouse by HTTP','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10324','Etcd by HTTP','Etcd by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10325','IIS by Zabbix agent','IIS by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10326','IIS by Zabbix agent active','IIS by Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10327','MSSQL by ODBC','MSSQL by ODBC','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10328','Oracle by ODBC','Oracle by ODBC','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10361','Microsoft Exchange Server 2016 by Zabbix agent active','Microsoft Exchange Server 2016 by Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10419','F5 Big-IP by SNMP','F5 Big-IP by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10329','PostgreSQL by Zabbix agent 2','PostgreSQL by Zabbix agent 2','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10330','PHP-FPM by Zabbix agent','PHP-FPM by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10331','PHP-FPM by HTTP','PHP-FPM by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10335','Oracle by Zabbix agent 2','Oracle by Zabbix agent 2','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10336','Asterisk by HTTP','Asterisk by HTTP','[]','["Templates/Telephony"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10343','Linux by Zabbix agent active','Linux by Zabbix agent active','[]','["Templates/Operating systems"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10351','Windows by Zabbix agent active','Windows by Zabbix agent active','[]','["Templates/Operating systems"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10353','Ceph by Zabbix agent 2','Ceph by Zabbix agent 2','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10355','Squid by SNMP','Squid by SNMP','[]','["Templates/Applications"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10357','PostgreSQL by Zabbix agent','PostgreSQL by Zabbix agent','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10376','Morningstar TriStar MPPT by SNMP','Morningstar TriStar MPPT by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10362','GitLab by HTTP','GitLab by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10363','Hadoop by HTTP','Hadoop by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10364','Apache Kafka by JMX','Apache Kafka by JMX','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10365','HashiCorp Vault by HTTP','HashiCorp Vault by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10366','VMware FQDN','VMware FQDN','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10369','Zookeeper by HTTP','Zookeeper by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10370','Apache Cassandra by JMX','Apache Cassandra by JMX','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10371','Morningstar ProStar MPPT by SNMP','Morningstar ProStar MPPT by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10372','Morningstar ProStar PWM by SNMP','Morningstar ProStar PWM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10373','Morningstar SunSaver MPPT by SNMP','Morningstar SunSaver MPPT by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10374','Morningstar SureSine by SNMP','Morningstar SureSine by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10375','Morningstar TriStar MPPT 600V by SNMP','Morningstar TriStar MPPT 600V by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10379','Jenkins by HTTP','Jenkins by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10380','Hikvision camera by HTTP','Hikvision camera by HTTP','[]','["Templates/Video surveillance"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10381','Ignite by JMX','Ignite by JMX','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10382','Microsoft SharePoint by HTTP','Microsoft SharePoint by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10385','Huawei OceanStor 5300 V5 by SNMP','Huawei OceanStor 5300 V5 by SNMP','[]','["Templates/SAN"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10386','MongoDB node by Zabbix agent 2','MongoDB node by Zabbix agent 2','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10387','MongoDB cluster by Zabbix agent 2','MongoDB cluster by Zabbix agent 2','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10390','Cisco Catalyst 3750V2-24FS by SNMP','Cisco Catalyst 3750V2-24FS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10391','Cisco Catalyst 3750V2-24PS by SNMP','Cisco Catalyst 3750V2-24PS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10392','Cisco Catalyst 3750V2-24TS by SNMP','Cisco Catalyst 3750V2-24TS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10393','Cisco Catalyst 3750V2-48PS by SNMP','Cisco Catalyst 3750V2-48PS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10394','Cisco Catalyst 3750V2-48TS by SNMP','Cisco Catalyst 3750V2-48TS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10395','APC UPS by SNMP','APC UPS by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10396','NetApp AFF A700 by HTTP','NetApp AFF A700 by HTTP','[]','["Templates/SAN"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10397','TiDB PD by HTTP','TiDB PD by HTTP','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10398','TiDB by HTTP','TiDB by HTTP','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10399','TiDB TiKV by HTTP','TiDB TiKV by HTTP','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10400','APC UPS Galaxy 3500 by SNMP','APC UPS Galaxy 3500 by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10401','APC Smart-UPS 2200 RM by SNMP','APC Smart-UPS 2200 RM by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10402','APC Smart-UPS 3000 XLM by SNMP','APC Smart-UPS 3000 XLM by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10403','APC Smart-UPS RT 1000 RM XL by SNMP','APC Smart-UPS RT 1000 RM XL by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10404','APC Smart-UPS RT 1000 XL by SNMP','APC Smart-UPS RT 1000 XL by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10467','MikroTik CRS305-1G-4SIN by SNMP','MikroTik CRS305-1G-4S+IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10406','APC Smart-UPS SRT 8000 by SNMP','APC Smart-UPS SRT 8000 by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10407','APC UPS Symmetra LX by SNMP','APC UPS Symmetra LX by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10408','APC UPS Symmetra RM by SNMP','APC UPS Symmetra RM by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10409','APC UPS Symmetra RX by SNMP','APC UPS Symmetra RX by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10410','WildFly Domain by JMX','WildFly Domain by JMX','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10411','WildFly Server by JMX','WildFly Server by JMX','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10412','APC Smart-UPS SRT 5000 by SNMP','APC Smart-UPS SRT 5000 by SNMP','[]','["Templates/Power"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10413','Website certificate by Zabbix agent 2','Website certificate by Zabbix agent 2','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10414','Cloudflare by HTTP','Cloudflare by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10415','NGINX Plus by HTTP','NGINX Plus by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10416','Systemd by Zabbix agent 2','Systemd by Zabbix agent 2','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10417','GridGain by JMX','GridGain by JMX','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10418','Cisco ASAv by SNMP','Cisco ASAv by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10420','ZYXEL AAM1212-51 IES-612 by SNMP','ZYXEL AAM1212-51 IES-612 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10421','ZYXEL ES3500-8PD by SNMP','ZYXEL ES3500-8PD by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10422','ZYXEL GS-4012F by SNMP','ZYXEL GS-4012F by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10423','ZYXEL IES-500x by SNMP','ZYXEL IES-500x by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10424','ZYXEL IES-6000 by SNMP','ZYXEL IES-6000 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10425','ZYXEL IES1248-51 by SNMP','ZYXEL IES1248-51 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10426','ZYXEL MES-3528 by SNMP','ZYXEL MES-3528 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10427','ZYXEL MES3500-10 by SNMP','ZYXEL MES3500-10 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10428','ZYXEL MES3500-24 by SNMP','ZYXEL MES3500-24 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10429','ZYXEL MGS-3712 by SNMP','ZYXEL MGS-3712 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10430','ZYXEL MGS-3712F by SNMP','ZYXEL MGS-3712F by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10431','ZYXEL MES3500-24S by SNMP','ZYXEL MES3500-24S by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10432','ZYXEL MGS3520-28x by SNMP','ZYXEL MGS3520-28x by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10433','ZYXEL XGS-4728F by SNMP','ZYXEL XGS-4728F by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10434','Cisco UCS Manager by SNMP','Cisco UCS Manager by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10435','DELL PowerEdge R720 by HTTP','DELL PowerEdge R720 by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10436','DELL PowerEdge R720 by SNMP','DELL PowerEdge R720 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10437','DELL PowerEdge R740 by HTTP','DELL PowerEdge R740 by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10438','DELL PowerEdge R740 by SNMP','DELL PowerEdge R740 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10439','DELL PowerEdge R820 by HTTP','DELL PowerEdge R820 by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10440','DELL PowerEdge R820 by SNMP','DELL PowerEdge R820 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10468','MikroTik CRS309-1G-8SIN by SNMP','MikroTik CRS309-1G-8S+IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10441','DELL PowerEdge R840 by HTTP','DELL PowerEdge R840 by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10442','DELL PowerEdge R840 by SNMP','DELL PowerEdge R840 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10443','HPE ProLiant BL460 by SNMP','HPE ProLiant BL460 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10444','HPE ProLiant BL920 by SNMP','HPE ProLiant BL920 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10445','HPE ProLiant DL360 by SNMP','HPE ProLiant DL360 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10446','HPE ProLiant DL380 by SNMP','HPE ProLiant DL380 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10447','Travis CI by HTTP','Travis CI by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10448','InfluxDB by HTTP','InfluxDB by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10449','MikroTik CCR1009-7G-1C-1SPC by SNMP','MikroTik CCR1009-7G-1C-1S+PC by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10450','MikroTik CCR1009-7G-1C-1S by SNMP','MikroTik CCR1009-7G-1C-1S+ by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10451','MikroTik CCR1009-7G-1C-PC by SNMP','MikroTik CCR1009-7G-1C-PC by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10452','MikroTik CCR1016-12G by SNMP','MikroTik CCR1016-12G by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10453','MikroTik CCR1016-12S-1S by SNMP','MikroTik CCR1016-12S-1S+ by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10454','MikroTik CCR1036-12G-4S-EM by SNMP','MikroTik CCR1036-12G-4S-EM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10455','MikroTik CCR1036-12G-4S by SNMP','MikroTik CCR1036-12G-4S by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10456','MikroTik CCR1036-8G-2SEM by SNMP','MikroTik CCR1036-8G-2S+EM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10457','MikroTik CCR1036-8G-2S by SNMP','MikroTik CCR1036-8G-2S+ by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10458','MikroTik CCR1072-1G-8S by SNMP','MikroTik CCR1072-1G-8S+ by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10459','MikroTik CCR2004-16G-2S by SNMP','MikroTik CCR2004-16G-2S+ by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10460','MikroTik CCR2004-1G-12S2XS by SNMP','MikroTik CCR2004-1G-12S+2XS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10461','MikroTik CRS106-1C-5S by SNMP','MikroTik CRS106-1C-5S by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10462','MikroTik CRS109-8G-1S-2HnD-IN by SNMP','MikroTik CRS109-8G-1S-2HnD-IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10463','MikroTik CRS112-8G-4S-IN by SNMP','MikroTik CRS112-8G-4S-IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10464','MikroTik CRS112-8P-4S-IN by SNMP','MikroTik CRS112-8P-4S-IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10465','MikroTik CRS125-24G-1S-2HnD-IN by SNMP','MikroTik CRS125-24G-1S-2HnD-IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10466','MikroTik CRS212-1G-10S-1SIN by SNMP','MikroTik CRS212-1G-10S-1S+IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10469','MikroTik CRS312-4C8XG-RM by SNMP','MikroTik CRS312-4C+8XG-RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10470','MikroTik CRS317-1G-16SRM by SNMP','MikroTik CRS317-1G-16S+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10471','MikroTik CRS326-24G-2SIN by SNMP','MikroTik CRS326-24G-2S+IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10472','MikroTik CRS326-24G-2SRM by SNMP','MikroTik CRS326-24G-2S+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10473','MikroTik CRS326-24S2QRM by SNMP','MikroTik CRS326-24S+2Q+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10474','MikroTik CRS328-24P-4SRM by SNMP','MikroTik CRS328-24P-4S+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10475','MikroTik CRS328-4C-20S-4SRM by SNMP','MikroTik CRS328-4C-20S-4S+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10476','MikroTik CRS354-48G-4S2QRM by SNMP','MikroTik CRS354-48G-4S+2Q+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10477','MikroTik CRS354-48P-4S2QRM by SNMP','MikroTik CRS354-48P-4S+2Q+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10478','MikroTik CSS326-24G-2SRM by SNMP','MikroTik CSS326-24G-2S+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10479','MikroTik CSS610-8G-2SIN by SNMP','MikroTik CSS610-8G-2S+IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10480','MikroTik FiberBox by SNMP','MikroTik FiberBox by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10481','MikroTik PowerBox Pro by SNMP','MikroTik PowerBox Pro by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10482','MikroTik PowerBox by SNMP','MikroTik PowerBox by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10483','MikroTik RB1100AHx4 Dude Edition by SNMP','MikroTik RB1100AHx4 Dude Edition by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10484','MikroTik RB1100AHx4 by SNMP','MikroTik RB1100AHx4 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10485','MikroTik RB2011UiAS-IN by SNMP','MikroTik RB2011UiAS-IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10486','MikroTik RB2011UiAS-RM by SNMP','MikroTik RB2011UiAS-RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10487','MikroTik RB2011iL-IN by SNMP','MikroTik RB2011iL-IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10488','MikroTik RB2011iL-RM by SNMP','MikroTik RB2011iL-RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10489','MikroTik RB2011iLS-IN by SNMP','MikroTik RB2011iLS-IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10490','MikroTik RB260GSP by SNMP','MikroTik RB260GSP by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10491','MikroTik RB260GS by SNMP','MikroTik RB260GS by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10492','MikroTik RB3011UiAS-RM by SNMP','MikroTik RB3011UiAS-RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10493','MikroTik RB4011iGSRM by SNMP','MikroTik RB4011iGS+RM by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10494','MikroTik RB5009UGSIN by SNMP','MikroTik RB5009UG+S+IN by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10495','MikroTik hEX PoE lite by SNMP','MikroTik hEX PoE lite by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10496','MikroTik hEX PoE by SNMP','MikroTik hEX PoE by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10561','Zabbix agent','Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10497','MikroTik hEX S by SNMP','MikroTik hEX S by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10498','MikroTik hEX lite by SNMP','MikroTik hEX lite by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10499','MikroTik hEX by SNMP','MikroTik hEX by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10500','MikroTik netPower 15FR by SNMP','MikroTik netPower 15FR by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10501','MikroTik netPower 16P by SNMP','MikroTik netPower 16P by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10502','MikroTik netPower Lite 7R by SNMP','MikroTik netPower Lite 7R by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10503','VeloCloud SD-WAN by HTTP','VeloCloud SD-WAN by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10504','Kubernetes API server by HTTP','Kubernetes API server by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10505','Kubernetes Controller manager by HTTP','Kubernetes Controller manager by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10506','Kubernetes Kubelet by HTTP','Kubernetes Kubelet by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10507','Kubernetes nodes by HTTP','Kubernetes nodes by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10509','Kubernetes Scheduler by HTTP','Kubernetes Scheduler by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10510','Kubernetes cluster state by HTTP','Kubernetes cluster state by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10515','PFSense by SNMP','PFSense by SNMP','[]','["Templates/Applications"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10516','OpenWeatherMap by HTTP','OpenWeatherMap by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10517','Proxmox VE by HTTP','Proxmox VE by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10518','TrueNAS CORE by SNMP','TrueNAS CORE by SNMP','[]','["Templates/Applications"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10519','CockroachDB by HTTP','CockroachDB by HTTP','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10520','Envoy Proxy by HTTP','Envoy Proxy by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10521','HashiCorp Consul Node by HTTP','HashiCorp Consul Node by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10522','HashiCorp Consul Cluster by HTTP','HashiCorp Consul Cluster by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10524','HPE MSA 2040 Storage by HTTP','HPE MSA 2040 Storage by HTTP','[]','["Templates/SAN"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10525','HPE MSA 2060 Storage by HTTP','HPE MSA 2060 Storage by HTTP','[]','["Templates/SAN"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10526','HPE Primera by HTTP','HPE Primera by HTTP','[]','["Templates/SAN"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10527','AWS EC2 by HTTP','AWS EC2 by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10528','OPNsense by SNMP','OPNsense by SNMP','[]','["Templates/Applications"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10529','AWS RDS instance by HTTP','AWS RDS instance by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10530','AWS S3 bucket by HTTP','AWS S3 bucket by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10531','Azure by HTTP','Azure by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10532','Azure Virtual Machine by HTTP','Azure Virtual Machine by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10534','HPE Synergy by HTTP','HPE Synergy by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10535','AWS by HTTP','AWS by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10539','Azure MySQL Flexible Server by HTTP','Azure MySQL Flexible Server by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10540','Azure MySQL Single Server by HTTP','Azure MySQL Single Server by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10543','Azure PostgreSQL Flexible Server by HTTP','Azure PostgreSQL Flexible Server by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10544','Azure PostgreSQL Single Server by HTTP','Azure PostgreSQL Single Server by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10546','Cisco Meraki dashboard by HTTP','Cisco Meraki dashboard by HTTP','[]','["Templates/Applications", "Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10547','Cisco Meraki device by HTTP','Cisco Meraki device by HTTP','[]','["Templates/Applications", "Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10548','Cisco Meraki organization by HTTP','Cisco Meraki organization by HTTP','[]','["Templates/Applications", "Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10551','Cisco Nexus 9000 Series by SNMP','Cisco Nexus 9000 Series by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10552','Control-M enterprise manager by HTTP','Control-M enterprise manager by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10553','Control-M server by HTTP','Control-M server by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10555','Veeam Backup and Replication by HTTP','Veeam Backup and Replication by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10556','Veeam Backup Enterprise Manager by HTTP','Veeam Backup Enterprise Manager by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10557','Azure Microsoft SQL Database by HTTP','Azure Microsoft SQL Database by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10558','Azure Microsoft SQL Serverless Database by HTTP','Azure Microsoft SQL Serverless Database by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10560','OS processes by Zabbix agent','OS processes by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10563','Generic by SNMP','Generic by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10564','ICMP Ping','ICMP Ping','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10565','SMART by Zabbix agent 2','SMART by Zabbix agent 2','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10566','SMART by Zabbix agent 2 active','SMART by Zabbix agent 2 active','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10568','Azure Cosmos DB for MongoDB by HTTP','Azure Cosmos DB for MongoDB by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10570','GCP by HTTP','GCP by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10571','GCP Cloud SQL MSSQL by HTTP','GCP Cloud SQL MSSQL by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10572','GCP Cloud SQL MSSQL Replica by HTTP','GCP Cloud SQL MSSQL Replica by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10573','GCP Cloud SQL MySQL by HTTP','GCP Cloud SQL MySQL by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10574','GCP Cloud SQL MySQL Replica by HTTP','GCP Cloud SQL MySQL Replica by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10575','GCP Cloud SQL PostgreSQL by HTTP','GCP Cloud SQL PostgreSQL by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10576','GCP Cloud SQL PostgreSQL Replica by HTTP','GCP Cloud SQL PostgreSQL Replica by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10577','GCP Compute Engine Instance by HTTP','GCP Compute Engine Instance by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10582','AWS Cost Explorer by HTTP','AWS Cost Explorer by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10583','AWS ECS Cluster by HTTP','AWS ECS Cluster by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10584','AWS ECS Serverless Cluster by HTTP','AWS ECS Serverless Cluster by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10586','OpenStack by HTTP','OpenStack by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10587','OpenStack Nova by HTTP','OpenStack Nova by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10589','PostgreSQL by ODBC','PostgreSQL by ODBC','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10590','Cisco SD-WAN by HTTP','Cisco SD-WAN by HTTP','[]','["Templates/Applications", "Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10591','Cisco SD-WAN device by HTTP','Cisco SD-WAN device by HTTP','[]','["Templates/Applications", "Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10593','Mantis BT by HTTP','Mantis BT by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10594','HashiCorp Nomad by HTTP','HashiCorp Nomad by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10595','HashiCorp Nomad Client by HTTP','HashiCorp Nomad Client by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10596','HashiCorp Nomad Server by HTTP','HashiCorp Nomad Server by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10599','Acronis Cyber Protect Cloud by HTTP','Acronis Cyber Protect Cloud by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10600','Acronis Cyber Protect Cloud MSP by HTTP','Acronis Cyber Protect Cloud MSP by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10602','Nextcloud by HTTP','Nextcloud by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10603','FortiGate by HTTP','FortiGate by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10604','FortiGate by SNMP','FortiGate by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10605','HPE iLO by HTTP','HPE iLO by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10606','Azure Cost Management by HTTP','Azure Cost Management by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10607','AWS ELB Application Load Balancer by HTTP','AWS ELB Application Load Balancer by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10609','MSSQL by Zabbix agent 2','MSSQL by Zabbix agent 2','[]','["Templates/Databases"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10620','Oracle Cloud Object Storage by HTTP','Oracle Cloud Object Storage by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10610','YugabyteDB by HTTP','YugabyteDB by HTTP','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10611','YugabyteDB Cluster by HTTP','YugabyteDB Cluster by HTTP','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10613','Check Point Next Generation Firewall by SNMP','Check Point Next Generation Firewall by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10614','Oracle Cloud Autonomous Database by HTTP','Oracle Cloud Autonomous Database by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10615','Oracle Cloud Block Volume by HTTP','Oracle Cloud Block Volume by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10616','Oracle Cloud Boot Volume by HTTP','Oracle Cloud Boot Volume by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10617','Oracle Cloud by HTTP','Oracle Cloud by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10618','Oracle Cloud Compute by HTTP','Oracle Cloud Compute by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10619','Oracle Cloud Networking by HTTP','Oracle Cloud Networking by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10627','AWS ELB Network Load Balancer by HTTP','AWS ELB Network Load Balancer by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10628','Website by Browser','Website by Browser','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10629','Jira Data Center by JMX','Jira Data Center by JMX','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10630','Azure VM Scale Set by HTTP','Azure VM Scale Set by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10632','AWS Lambda by HTTP','AWS Lambda by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10634','GitHub repository by HTTP','GitHub repository by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10645','PHP-FPM by Zabbix agent active','PHP-FPM by Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10635','Microsoft 365 reports by HTTP','Microsoft 365 reports by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10636','Huawei OceanStor Dorado by SNMP','Huawei OceanStor Dorado by SNMP','[]','["Templates/SAN"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10637','Apache by Zabbix agent active','Apache by Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10638','Website certificate by Zabbix agent 2 active','Website certificate by Zabbix agent 2 active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10639','Nginx by Zabbix agent active','Nginx by Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10640','Nutanix Cluster Prism Element by HTTP','Nutanix Cluster Prism Element by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10641','Nutanix Host Prism Element by HTTP','Nutanix Host Prism Element by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10642','Nutanix Prism Element by HTTP','Nutanix Prism Element by HTTP','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10646','MySQL by Zabbix agent 2 active','MySQL by Zabbix agent 2 active','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10647','MySQL by Zabbix agent active','MySQL by Zabbix agent active','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10648','PostgreSQL by Zabbix agent 2 active','PostgreSQL by Zabbix agent 2 active','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10649','PostgreSQL by Zabbix agent active','PostgreSQL by Zabbix agent active','[]','["Templates/Databases"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10650','Juniper MX by SNMP','Juniper MX by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10651','Azure SQL Managed Instance by HTTP','Azure SQL Managed Instance by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10653','Palo Alto PA-440 by HTTP','Palo Alto PA-440 by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10654','DELL PowerEdge R660 by HTTP','DELL PowerEdge R660 by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10655','DELL PowerEdge R660 by SNMP','DELL PowerEdge R660 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10656','DELL PowerEdge R750 by HTTP','DELL PowerEdge R750 by HTTP','[]','["Templates/Server hardware"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10657','DELL PowerEdge R750 by SNMP','DELL PowerEdge R750 by SNMP','[]','["Templates/Server hardware"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10658','Zabbix proxy health by Zabbix agent','Zabbix proxy health by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10659','Zabbix proxy health by Zabbix agent active','Zabbix proxy health by Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10660','Zabbix server health by Zabbix agent','Zabbix server health by Zabbix agent','[]','["Templates/Applications"]','agent','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10661','Zabbix server health by Zabbix agent active','Zabbix server health by Zabbix agent active','[]','["Templates/Applications"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10662','Azure Microsoft SQL DTU Database by HTTP','Azure Microsoft SQL DTU Database by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10663','Pure Storage FlashArray v1 by HTTP','Pure Storage FlashArray v1 by HTTP','[]','["Templates/SAN"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10664','Pure Storage FlashArray v2 by HTTP','Pure Storage FlashArray v2 by HTTP','[]','["Templates/SAN"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10665','Azure Backup Jobs by HTTP','Azure Backup Jobs by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10667','Cisco Secure Firewall Threat Defense by HTTP','Cisco Secure Firewall Threat Defense by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10668','AWS Backup Vault by HTTP','AWS Backup Vault by HTTP','[]','["Templates/Cloud"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10670','Aruba CX 8300s by SNMP','Aruba CX 8300s by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10671','Ciena 3906 by SNMP','Ciena 3906 by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10672','Vyatta Virtual Router by SNMP','Vyatta Virtual Router by SNMP','[]','["Templates/Network devices"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10673','Stormshield SNS by SNMP','Stormshield SNS by SNMP','[]','["Templates/Network devices", "Templates/Operating systems"]','snmp','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10674','Ribbon SBC Edge by HTTP','Ribbon SBC Edge by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10675','Ribbon SBC SWe CE by HTTP','Ribbon SBC SWe CE by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10676','Ribbon SBC SWe Core by HTTP','Ribbon SBC SWe Core by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10678','VeloCloud SD-WAN Edge by HTTP','VeloCloud SD-WAN Edge by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10680','Cradlepoint NCM v2 by HTTP','Cradlepoint NCM v2 by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template VALUES('10681','Cradlepoint NCM v2 device by HTTP','Cradlepoint NCM v2 device by HTTP','[]','["Templates/Network devices"]','any','2026-12-01 09:36:02.713621');
CREATE TABLE zabbix_template_group (
	groupid VARCHAR(32) NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	last_synced DATETIME NOT NULL, 
	CONSTRAINT pk_zabbix_template_group PRIMARY KEY (groupid)
);
INSERT INTO zabbix_template_group VALUES('1','Templates','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('9','Templates/Network devices','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('10','Templates/Operating systems','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('11','Templates/Server hardware','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('12','Templates/Applications','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('13','Templates/Databases','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('14','Templates/Virtualization','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('15','Templates/Telephony','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('16','Templates/SAN','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('17','Templates/Video surveillance','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('18','Templates/Power','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('21','Templates/Cloud','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_template_group VALUES('29','Templates/nbzbx','2026-12-01 09:36:02.713621');
CREATE TABLE zabbix_host_group (
	groupid VARCHAR(32) NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	last_synced DATETIME NOT NULL, 
	CONSTRAINT pk_zabbix_host_group PRIMARY KEY (groupid)
);
INSERT INTO zabbix_host_group VALUES('2','Linux servers','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('4','Zabbix servers','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('5','Discovered hosts','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('6','Virtual machines','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('7','Hypervisors','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('19','Applications','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('20','Databases','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('22','NetBox','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('23','Lab A','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('24','Zürich','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('25','Routers','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('26','Switches','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('27','Servers','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_host_group VALUES('28','Web','2026-12-01 09:36:02.713621');
CREATE TABLE zabbix_proxy (
	proxyid VARCHAR(32) NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	mode VARCHAR(8) NOT NULL, 
	address VARCHAR(255), 
	port VARCHAR(64), 
	allowed_addresses TEXT, 
	description TEXT NOT NULL, 
	proxy_groupid VARCHAR(32), 
	last_synced DATETIME NOT NULL, 
	CONSTRAINT pk_zabbix_proxy PRIMARY KEY (proxyid), 
	CONSTRAINT ck_zabbix_proxy_mode CHECK (mode IN ('active', 'passive'))
);
INSERT INTO zabbix_proxy VALUES('1','proxy-lab-a','active',NULL,NULL,'','','1','2026-12-01 09:36:02.713621');
INSERT INTO zabbix_proxy VALUES('2','proxy-zurich','passive','proxy.zurich.example','10051','','',NULL,'2026-12-01 09:36:02.713621');
CREATE TABLE zabbix_proxy_group (
	proxy_groupid VARCHAR(32) NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	description TEXT NOT NULL, 
	failover_delay VARCHAR(32) NOT NULL, 
	min_online VARCHAR(32) NOT NULL, 
	last_synced DATETIME NOT NULL, 
	CONSTRAINT pk_zabbix_proxy_group PRIMARY KEY (proxy_groupid)
);
INSERT INTO zabbix_proxy_group VALUES('1','pg-lab','','1m','1','2026-12-01 09:36:02.713621');
CREATE TABLE host_config_status (
	partition_key VARCHAR(64) NOT NULL, 
	object_type VARCHAR(16) NOT NULL, 
	object_id INTEGER NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	zabbix_hostid VARCHAR(32), 
	status VARCHAR(16) NOT NULL, 
	last_good_status VARCHAR(16), 
	diff JSON NOT NULL, 
	error TEXT, 
	checked_at DATETIME NOT NULL, 
	desired JSON, 
	CONSTRAINT pk_host_config_status PRIMARY KEY (partition_key), 
	CONSTRAINT ck_host_config_status_object_type CHECK (object_type IN ('device', 'vm')), 
	CONSTRAINT ck_host_config_status_status CHECK (status IN ('in_sync', 'out_of_sync', 'missing', 'error')), 
	CONSTRAINT ck_host_config_status_last_good_status CHECK (last_good_status IS NULL OR last_good_status IN ('in_sync', 'out_of_sync', 'missing')), 
	CONSTRAINT uq_host_config_status_object_type_object_id UNIQUE (object_type, object_id)
);
INSERT INTO host_config_status VALUES('device-1','device',1,'rtr-lab-a-01','10688','out_of_sync',NULL,'{"differences": {"tags": {"netbox": [["netbox.platform", "Cisco IOS"], ["netbox.role", "Router"], ["netbox.site", "Lab A"]], "zabbix": [["netbox.platform", "Cisco IOS"], ["netbox.role", "Router"], ["netbox.site", "Lab A"], ["owner", "noc"]]}}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "rtr-lab-a-01", "name": "rtr-lab-a-01", "status": "enabled", "groups": ["22", "23", "26"], "templates": ["10685"], "interfaces": [{"type": "snmp", "main": true, "useip": true, "ip": "192.0.2.1", "dns": "", "port": "161"}], "tags": [{"tag": "netbox.platform", "value": "Cisco IOS"}, {"tag": "netbox.role", "value": "Router"}, {"tag": "netbox.site", "value": "Lab A"}], "monitored_by": "server", "proxyid": null, "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('device-2','device',2,'sw-lab-a-01','10689','in_sync',NULL,'{"differences": {}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "sw-lab-a-01", "name": "sw-lab-a-01", "status": "enabled", "groups": ["22", "23", "26"], "templates": ["10685"], "interfaces": [{"type": "snmp", "main": true, "useip": true, "ip": "192.0.2.2", "dns": "", "port": "161"}], "tags": [{"tag": "netbox.platform", "value": "Cisco IOS"}, {"tag": "netbox.role", "value": "Switch"}, {"tag": "netbox.site", "value": "Lab A"}], "monitored_by": "server", "proxyid": null, "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('device-3','device',3,'srv-lab-a-01','10690','in_sync',NULL,'{"differences": {}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "srv-lab-a-01", "name": "srv-lab-a-01", "status": "enabled", "groups": ["22", "23", "27"], "templates": ["10684"], "interfaces": [{"type": "agent", "main": true, "useip": true, "ip": "192.0.2.10", "dns": "", "port": "10050"}], "tags": [{"tag": "netbox.platform", "value": "Linux"}, {"tag": "netbox.role", "value": "Server"}, {"tag": "netbox.site", "value": "Lab A"}, {"tag": "netbox.tag", "value": "Critical"}], "monitored_by": "proxy", "proxyid": "1", "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('device-4','device',4,'srv-lab-a-02','10691','out_of_sync',NULL,'{"differences": {"templates": {"netbox": ["10684"], "zabbix": ["10683"]}}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "srv-lab-a-02", "name": "srv-lab-a-02", "status": "enabled", "groups": ["22", "23", "27"], "templates": ["10684"], "interfaces": [{"type": "agent", "main": true, "useip": true, "ip": "192.0.2.11", "dns": "", "port": "10050"}], "tags": [{"tag": "netbox.platform", "value": "Linux"}, {"tag": "netbox.role", "value": "Server"}, {"tag": "netbox.site", "value": "Lab A"}], "monitored_by": "proxy", "proxyid": "1", "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('device-5','device',5,'srv-lab-a-03','10692','out_of_sync',NULL,'{"differences": {"groups": {"netbox": ["22", "23", "27"], "zabbix": ["22", "23"]}}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "srv-lab-a-03", "name": "srv-lab-a-03", "status": "enabled", "groups": ["22", "23", "27"], "templates": ["10684"], "interfaces": [{"type": "agent", "main": true, "useip": true, "ip": "192.0.2.12", "dns": "", "port": "10050"}], "tags": [{"tag": "netbox.platform", "value": "Linux"}, {"tag": "netbox.role", "value": "Server"}, {"tag": "netbox.site", "value": "Lab A"}], "monitored_by": "proxy", "proxyid": "1", "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('device-6','device',6,'sw-zürich-01','10693','out_of_sync',NULL,'{"differences": {"proxyid": {"netbox": "2", "zabbix": "1"}}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "sw-zurich-01", "name": "sw-z\u00fcrich-01", "status": "enabled", "groups": ["22", "24"], "templates": ["10685"], "interfaces": [{"type": "snmp", "main": true, "useip": true, "ip": "198.51.100.2", "dns": "", "port": "161"}], "tags": [{"tag": "netbox.platform", "value": "Cisco IOS"}, {"tag": "netbox.role", "value": "Switch"}, {"tag": "netbox.site", "value": "Z\u00fcrich"}], "monitored_by": "proxy", "proxyid": "2", "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('device-7','device',7,'srv-zürich-01','10694','in_sync',NULL,'{"differences": {}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "srv-zurich-01", "name": "srv-z\u00fcrich-01", "status": "disabled", "groups": ["22", "24"], "templates": ["10685"], "interfaces": [{"type": "snmp", "main": true, "useip": true, "ip": "198.51.100.10", "dns": "", "port": "161"}], "tags": [{"tag": "netbox.platform", "value": "Linux"}, {"tag": "netbox.role", "value": "Server"}, {"tag": "netbox.site", "value": "Z\u00fcrich"}], "monitored_by": "proxy", "proxyid": "2", "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('vm-1','vm',1,'vm-web-01','10695','in_sync',NULL,'{"differences": {}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "vm-web-01", "name": "vm-web-01", "status": "enabled", "groups": ["22", "28"], "templates": ["10684"], "interfaces": [{"type": "agent", "main": true, "useip": true, "ip": "203.0.113.1", "dns": "", "port": "10050"}], "tags": [{"tag": "netbox.platform", "value": "Linux"}, {"tag": "netbox.role", "value": "Server"}, {"tag": "netbox.site", "value": "Lab A"}, {"tag": "netbox.tag", "value": "Web"}], "monitored_by": "server", "proxyid": null, "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('vm-2','vm',2,'vm-web-02','10696','out_of_sync',NULL,'{"differences": {"interface": {"netbox": {"type": "agent", "useip": true, "ip": "203.0.113.2", "dns": "", "port": "10050"}, "zabbix": {"type": "agent", "useip": true, "ip": "203.0.113.99", "dns": "", "port": "10050"}}}, "extra": {}}',NULL,'2026-12-01 09:36:03.931877','{"host": "vm-web-02", "name": "vm-web-02", "status": "enabled", "groups": ["22", "28"], "templates": ["10684"], "interfaces": [{"type": "agent", "main": true, "useip": true, "ip": "203.0.113.2", "dns": "", "port": "10050"}], "tags": [{"tag": "netbox.platform", "value": "Linux"}, {"tag": "netbox.role", "value": "Server"}, {"tag": "netbox.site", "value": "Lab A"}, {"tag": "netbox.tag", "value": "Web"}], "monitored_by": "server", "proxyid": null, "proxy_groupid": null}');
INSERT INTO host_config_status VALUES('vm-3','vm',3,'vm-db-01',NULL,'missing',NULL,'{}',NULL,'2026-12-01 09:36:03.931877','{"host": "vm-db-01", "name": "vm-db-01", "status": "enabled", "groups": ["22", "23", "27"], "templates": ["10684"], "interfaces": [{"type": "agent", "main": true, "useip": true, "ip": "203.0.113.5", "dns": "", "port": "10050"}], "tags": [{"tag": "netbox.platform", "value": "Linux"}, {"tag": "netbox.role", "value": "Server"}, {"tag": "netbox.site", "value": "Lab A"}], "monitored_by": "proxy", "proxyid": "1", "proxy_groupid": null}');
CREATE TABLE maintenance_window (
	id INTEGER NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	start DATETIME NOT NULL, 
	"end" DATETIME NOT NULL, 
	description TEXT NOT NULL, 
	with_data_collection BOOLEAN NOT NULL, 
	targets JSON NOT NULL, 
	zabbix_maintenance_id VARCHAR(32), 
	status VARCHAR(16) NOT NULL, 
	created_by VARCHAR(255) NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_maintenance_window PRIMARY KEY (id), 
	CONSTRAINT ck_maintenance_window_status CHECK (status IN ('pending', 'active', 'expired', 'failed')), 
	CONSTRAINT ck_maintenance_window_end_after_start CHECK ("end" > start), 
	CONSTRAINT uq_maintenance_window_name UNIQUE (name)
);
INSERT INTO maintenance_window VALUES(1,'nbzbx-released-window','2026-12-01 09:36:04.000000','2028-01-22 01:36:04.000000','made by the released code',1,'{"host_configs": [], "sites": [], "host_groups": ["Servers"], "proxies": [], "proxy_groups": [], "clusters": [], "resolved": {"hostids": [], "groupids": ["27"], "hosts": [], "objects": ["device-3", "device-4"], "unmonitored": []}}','6','active','create_maintenance run f6cf2473-0fa0-4214-b579-7d1f5e0db2db','2026-12-01 09:36:04.667360');
CREATE TABLE settings_override (
	name VARCHAR(64) NOT NULL, 
	value JSON NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR(255) NOT NULL, 
	CONSTRAINT pk_settings_override PRIMARY KEY (name)
);
CREATE TABLE event_log (
	id INTEGER NOT NULL, 
	job VARCHAR(255) NOT NULL, 
	run_id VARCHAR(64), 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	summary JSON NOT NULL, 
	error TEXT, 
	CONSTRAINT pk_event_log PRIMARY KEY (id), 
	CONSTRAINT ck_event_log_status CHECK (status IN ('success', 'failure'))
);
INSERT INTO event_log VALUES(1,'import_zabbix_settings','ca1e31cc-ac53-4b0f-942d-663d513609c1','2026-12-01 09:36:02.532716','2026-12-01 09:36:03.517394','success','{"message": "imported zabbix configuration: 391 changes", "data": {"template_groups": {"added": 13, "updated": 0, "deleted": 0, "unchanged": 0, "added_names": ["Templates", "Templates/Network devices", "Templates/Operating systems", "Templates/Server hardware", "Templates/Applications", "Templates/Databases", "Templates/Virtualization", "Templates/Telephony", "Templates/SAN", "Templates/Video surveillance", "Templates/Power", "Templates/Cloud", "Templates/nbzbx"], "updated_names": [], "deleted_names": []}, "host_groups": {"added": 14, "updated": 0, "deleted": 0, "unchanged": 0, "added_names": ["Linux servers", "Zabbix servers", "Discovered hosts", "Virtual machines", "Hypervisors", "Applications", "Databases", "NetBox", "Lab A", "Z\u00fcrich", "Routers", "Switches", "Servers", "Web"], "updated_names": [], "deleted_names": []}, "proxy_groups": {"added": 1, "updated": 0, "deleted": 0, "unchanged": 0, "added_names": ["pg-lab"], "updated_names": [], "deleted_names": []}, "proxies": {"added": 2, "updated": 0, "deleted": 0, "unchanged": 0, "added_names": ["proxy-lab-a", "proxy-zurich"], "updated_names": [], "deleted_names": []}, "templates": {"added": 361, "updated": 0, "deleted": 0, "unchanged": 0, "added_names": ["nbzbx Base", "nbzbx Linux agent", "nbzbx SNMP device", "nbzbx Mixed", "nbzbx Ueberwachung", "Cisco IOS prior to 12.0_3_T by SNMP", "Dell Force S-Series by SNMP", "Morningstar TriStar PWM by SNMP", "Linux by Zabbix agent", "Zabbix server health", "Zabbix proxy health", "OpenBSD by Zabbix agent", "FreeBSD by Zabbix agent", "AIX by Zabbix agent", "HP-UX by Zabbix agent", "Cisco IOS by SNMP", "Solaris by Zabbix agent", "macOS by Zabbix agent", "Windows by Zabbix agent", "Generic Java JMX", "Intel SR1530 IPMI", "Intel SR1630 IPMI", "VMware", "VMware Guest", "VMware Hypervisor", "Alcatel Timetra TiMOS by SNMP", "Brocade FC by SNMP", "Brocade_Foundry Nonstackable by SNMP", "Brocade_Foundry Stackable by SNMP", "D-Link DES 7200 by SNMP", "D-Link DES_DGS Switch by SNMP", "Extreme EXOS by SNMP", "Network Generic Device by SNMP", "HP Comware HH3C by SNMP", "Huawei VRP by SNMP", "Intel_Qlogic Infiniband by SNMP", "Juniper by SNMP", "Mikrotik by SNMP", "Netgear Fastpath by SNMP", "QTech QSW by SNMP", "TP-LINK by SNMP", "Ubiquiti AirOS by SNMP", "Remote Zabbix proxy health", "Linux by SNMP", "Windows by SNMP", "HP Enterprise Switch by SNMP", "Mellanox by SNMP", "Cisco IOS versions 12.0_3_T-12.2_3.5 by SNMP", "Arista by SNMP", "Dell iDRAC by SNMP", "HP iLO by SNMP", "IBM IMM by SNMP", "Supermicro Aten by SNMP", "Apache Tomcat by JMX", "Remote Zabbix server health", "Zabbix agent active", "Apache by Zabbix agent", "Apache by HTTP", "Nginx by Zabbix agent", "Nginx by HTTP", "Linux by Prom", "RabbitMQ cluster by Zabbix agent", "RabbitMQ node by Zabbix agent", "Apache ActiveMQ by JMX", "RabbitMQ cluster by HTTP", "RabbitMQ node by HTTP", "Cisco UCS by SNMP", "HAProxy by Zabbix agent", "HAProxy by HTTP", "Redis by Zabbix agent 2", "Aranet Cloud", "Microsoft Exchange Server 2016 by Zabbix agent", "MySQL by Zabbix agent", "MySQL by ODBC", "Docker by Zabbix agent 2", "Memcached by Zabbix agent 2", "MySQL by Zabbix agent 2", "Chassis by IPMI", "Elasticsearch Cluster by HTTP", "NetApp FAS3220 by SNMP", "ClickHouse by HTTP", "Etcd by HTTP", "IIS by Zabbix agent", "IIS by Zabbix agent active", "MSSQL by ODBC", "Oracle by ODBC", "Microsoft Exchange Server 2016 by Zabbix agent active", "F5 Big-IP by SNMP", "PostgreSQL by Zabbix agent 2", "PHP-FPM by Zabbix agent", "PHP-FPM by HTTP", "Oracle by Zabbix agent 2", "Asterisk by HTTP", "Linux by Zabbix agent active", "Windows by Zabbix agent active", "Ceph by Zabbix agent 2", "Squid by SNMP", "PostgreSQL by Zabbix agent", "Morningstar TriStar MPPT by SNMP", "GitLab by HTTP", "Hadoop by HTTP", "Apache Kafka by JMX", "HashiCorp Vault by HTTP", "VMware FQDN", "Zookeeper by HTTP", "Apache Cassandra by JMX", "Morningstar ProStar MPPT by SNMP", "Morningstar ProStar PWM by SNMP", "Morningstar SunSaver MPPT by SNMP", "Morningstar SureSine by SNMP", "Morningstar TriStar MPPT 600V by SNMP", "Jenkins by HTTP", "Hikvision camera by HTTP", "Ignite by JMX", "Microsoft SharePoint by HTTP", "Huawei OceanStor 5300 V5 by SNMP", "MongoDB node by Zabbix agent 2", "MongoDB cluster by Zabbix agent 2", "Cisco Catalyst 3750V2-24FS by SNMP", "Cisco Catalyst 3750V2-24PS by SNMP", "Cisco Catalyst 3750V2-24TS by SNMP", "Cisco Catalyst 3750V2-48PS by SNMP", "Cisco Catalyst 3750V2-48TS by SNMP", "APC UPS by SNMP", "NetApp AFF A700 by HTTP", "TiDB PD by HTTP", "TiDB by HTTP", "TiDB TiKV by HTTP", "APC UPS Galaxy 3500 by SNMP", "APC Smart-UPS 2200 RM by SNMP", "APC Smart-UPS 3000 XLM by SNMP", "APC Smart-UPS RT 1000 RM XL by SNMP", "APC Smart-UPS RT 1000 XL by SNMP", "MikroTik CRS305-1G-4SIN by SNMP", "APC Smart-UPS SRT 8000 by SNMP", "APC UPS Symmetra LX by SNMP", "APC UPS Symmetra RM by SNMP", "APC UPS Symmetra RX by SNMP", "WildFly Domain by JMX", "WildFly Server by JMX", "APC Smart-UPS SRT 5000 by SNMP", "Website certificate by Zabbix agent 2", "Cloudflare by HTTP", "NGINX Plus by HTTP", "Systemd by Zabbix agent 2", "GridGain by JMX", "Cisco ASAv by SNMP", "ZYXEL AAM1212-51 IES-612 by SNMP", "ZYXEL ES3500-8PD by SNMP", "ZYXEL GS-4012F by SNMP", "ZYXEL IES-500x by SNMP", "ZYXEL IES-6000 by SNMP", "ZYXEL IES1248-51 by SNMP", "ZYXEL MES-3528 by SNMP", "ZYXEL MES3500-10 by SNMP", "ZYXEL MES3500-24 by SNMP", "ZYXEL MGS-3712 by SNMP", "ZYXEL MGS-3712F by SNMP", "ZYXEL MES3500-24S by SNMP", "ZYXEL MGS3520-28x by SNMP", "ZYXEL XGS-4728F by SNMP", "Cisco UCS Manager by SNMP", "DELL PowerEdge R720 by HTTP", "DELL PowerEdge R720 by SNMP", "DELL PowerEdge R740 by HTTP", "DELL PowerEdge R740 by SNMP", "DELL PowerEdge R820 by HTTP", "DELL PowerEdge R820 by SNMP", "MikroTik CRS309-1G-8SIN by SNMP", "DELL PowerEdge R840 by HTTP", "DELL PowerEdge R840 by SNMP", "HPE ProLiant BL460 by SNMP", "HPE ProLiant BL920 by SNMP", "HPE ProLiant DL360 by SNMP", "HPE ProLiant DL380 by SNMP", "Travis CI by HTTP", "InfluxDB by HTTP", "MikroTik CCR1009-7G-1C-1SPC by SNMP", "MikroTik CCR1009-7G-1C-1S by SNMP", "MikroTik CCR1009-7G-1C-PC by SNMP", "MikroTik CCR1016-12G by SNMP", "MikroTik CCR1016-12S-1S by SNMP", "MikroTik CCR1036-12G-4S-EM by SNMP", "MikroTik CCR1036-12G-4S by SNMP", "MikroTik CCR1036-8G-2SEM by SNMP", "MikroTik CCR1036-8G-2S by SNMP", "MikroTik CCR1072-1G-8S by SNMP", "MikroTik CCR2004-16G-2S by SNMP", "MikroTik CCR2004-1G-12S2XS by SNMP", "MikroTik CRS106-1C-5S by SNMP", "MikroTik CRS109-8G-1S-2HnD-IN by SNMP", "MikroTik CRS112-8G-4S-IN by SNMP", "MikroTik CRS112-8P-4S-IN by SNMP", "MikroTik CRS125-24G-1S-2HnD-IN by SNMP", "MikroTik CRS212-1G-10S-1SIN by SNMP", "MikroTik CRS312-4C8XG-RM by SNMP", "MikroTik CRS317-1G-16SRM by SNMP", "MikroTik CRS326-24G-2SIN by SNMP", "MikroTik CRS326-24G-2SRM by SNMP", "MikroTik CRS326-24S2QRM by SNMP", "MikroTik CRS328-24P-4SRM by SNMP", "MikroTik CRS328-4C-20S-4SRM by SNMP", "MikroTik CRS354-48G-4S2QRM by SNMP", "MikroTik CRS354-48P-4S2QRM by SNMP", "MikroTik CSS326-24G-2SRM by SNMP", "MikroTik CSS610-8G-2SIN by SNMP", "MikroTik FiberBox by SNMP", "MikroTik PowerBox Pro by SNMP", "MikroTik PowerBox by SNMP", "MikroTik RB1100AHx4 Dude Edition by SNMP", "MikroTik RB1100AHx4 by SNMP", "MikroTik RB2011UiAS-IN by SNMP", "MikroTik RB2011UiAS-RM by SNMP", "MikroTik RB2011iL-IN by SNMP", "MikroTik RB2011iL-RM by SNMP", "MikroTik RB2011iLS-IN by SNMP", "MikroTik RB260GSP by SNMP", "MikroTik RB260GS by SNMP", "MikroTik RB3011UiAS-RM by SNMP", "MikroTik RB4011iGSRM by SNMP", "MikroTik RB5009UGSIN by SNMP", "MikroTik hEX PoE lite by SNMP", "MikroTik hEX PoE by SNMP", "Zabbix agent", "MikroTik hEX S by SNMP", "MikroTik hEX lite by SNMP", "MikroTik hEX by SNMP", "MikroTik netPower 15FR by SNMP", "MikroTik netPower 16P by SNMP", "MikroTik netPower Lite 7R by SNMP", "VeloCloud SD-WAN by HTTP", "Kubernetes API server by HTTP", "Kubernetes Controller manager by HTTP", "Kubernetes Kubelet by HTTP", "Kubernetes nodes by HTTP", "Kubernetes Scheduler by HTTP", "Kubernetes cluster state by HTTP", "PFSense by SNMP", "OpenWeatherMap by HTTP", "Proxmox VE by HTTP", "TrueNAS CORE by SNMP", "CockroachDB by HTTP", "Envoy Proxy by HTTP", "HashiCorp Consul Node by HTTP", "HashiCorp Consul Cluster by HTTP", "HPE MSA 2040 Storage by HTTP", "HPE MSA 2060 Storage by HTTP", "HPE Primera by HTTP", "AWS EC2 by HTTP", "OPNsense by SNMP", "AWS RDS instance by HTTP", "AWS S3 bucket by HTTP", "Azure by HTTP", "Azure Virtual Machine by HTTP", "HPE Synergy by HTTP", "AWS by HTTP", "Azure MySQL Flexible Server by HTTP", "Azure MySQL Single Server by HTTP", "Azure PostgreSQL Flexible Server by HTTP", "Azure PostgreSQL Single Server by HTTP", "Cisco Meraki dashboard by HTTP", "Cisco Meraki device by HTTP", "Cisco Meraki organization by HTTP", "Cisco Nexus 9000 Series by SNMP", "Control-M enterprise manager by HTTP", "Control-M server by HTTP", "Veeam Backup and Replication by HTTP", "Veeam Backup Enterprise Manager by HTTP", "Azure Microsoft SQL Database by HTTP", "Azure Microsoft SQL Serverless Database by HTTP", "OS processes by Zabbix agent", "Generic by SNMP", "ICMP Ping", "SMART by Zabbix agent 2", "SMART by Zabbix agent 2 active", "Azure Cosmos DB for MongoDB by HTTP", "GCP by HTTP", "GCP Cloud SQL MSSQL by HTTP", "GCP Cloud SQL MSSQL Replica by HTTP", "GCP Cloud SQL MySQL by HTTP", "GCP Cloud SQL MySQL Replica by HTTP", "GCP Cloud SQL PostgreSQL by HTTP", "GCP Cloud SQL PostgreSQL Replica by HTTP", "GCP Compute Engine Instance by HTTP", "AWS Cost Explorer by HTTP", "AWS ECS Cluster by HTTP", "AWS ECS Serverless Cluster by HTTP", "OpenStack by HTTP", "OpenStack Nova by HTTP", "PostgreSQL by ODBC", "Cisco SD-WAN by HTTP", "Cisco SD-WAN device by HTTP", "Mantis BT by HTTP", "HashiCorp Nomad by HTTP", "HashiCorp Nomad Client by HTTP", "HashiCorp Nomad Server by HTTP", "Acronis Cyber Protect Cloud by HTTP", "Acronis Cyber Protect Cloud MSP by HTTP", "Nextcloud by HTTP", "FortiGate by HTTP", "FortiGate by SNMP", "HPE iLO by HTTP", "Azure Cost Management by HTTP", "AWS ELB Application Load Balancer by HTTP", "MSSQL by Zabbix agent 2", "Oracle Cloud Object Storage by HTTP", "YugabyteDB by HTTP", "YugabyteDB Cluster by HTTP", "Check Point Next Generation Firewall by SNMP", "Oracle Cloud Autonomous Database by HTTP", "Oracle Cloud Block Volume by HTTP", "Oracle Cloud Boot Volume by HTTP", "Oracle Cloud by HTTP", "Oracle Cloud Compute by HTTP", "Oracle Cloud Networking by HTTP", "AWS ELB Network Load Balancer by HTTP", "Website by Browser", "Jira Data Center by JMX", "Azure VM Scale Set by HTTP", "AWS Lambda by HTTP", "GitHub repository by HTTP", "PHP-FPM by Zabbix agent active", "Microsoft 365 reports by HTTP", "Huawei OceanStor Dorado by SNMP", "Apache by Zabbix agent active", "Website certificate by Zabbix agent 2 active", "Nginx by Zabbix agent active", "Nutanix Cluster Prism Element by HTTP", "Nutanix Host Prism Element by HTTP", "Nutanix Prism Element by HTTP", "MySQL by Zabbix agent 2 active", "MySQL by Zabbix agent active", "PostgreSQL by Zabbix agent 2 active", "PostgreSQL by Zabbix agent active", "Juniper MX by SNMP", "Azure SQL Managed Instance by HTTP", "Palo Alto PA-440 by HTTP", "DELL PowerEdge R660 by HTTP", "DELL PowerEdge R660 by SNMP", "DELL PowerEdge R750 by HTTP", "DELL PowerEdge R750 by SNMP", "Zabbix proxy health by Zabbix agent", "Zabbix proxy health by Zabbix agent active", "Zabbix server health by Zabbix agent", "Zabbix server health by Zabbix agent active", "Azure Microsoft SQL DTU Database by HTTP", "Pure Storage FlashArray v1 by HTTP", "Pure Storage FlashArray v2 by HTTP", "Azure Backup Jobs by HTTP", "Cisco Secure Firewall Threat Defense by HTTP", "AWS Backup Vault by HTTP", "Aruba CX 8300s by SNMP", "Ciena 3906 by SNMP", "Vyatta Virtual Router by SNMP", "Stormshield SNS by SNMP", "Ribbon SBC Edge by HTTP", "Ribbon SBC SWe CE by HTTP", "Ribbon SBC SWe Core by HTTP", "VeloCloud SD-WAN Edge by HTTP", "Cradlepoint NCM v2 by HTTP", "Cradlepoint NCM v2 device by HTTP"], "updated_names": [], "deleted_names": []}}}',NULL);
INSERT INTO event_log VALUES(2,'host_config_sync_refresh','66271852-1cb5-4d02-ba8e-c8f1a9e30c9b','2026-12-01 09:36:03.931905','2026-12-01 09:36:04.358846','success','{"total": 10, "updated": 10, "failed": 0, "in_sync": 4, "out_of_sync": 5, "missing": 1, "cutoff_in_minutes": 0, "cutoff": "2026-12-01 09:36"}',NULL);
CREATE INDEX ix_zabbix_template_host ON zabbix_template (host);
CREATE INDEX ix_zabbix_template_name ON zabbix_template (name);
CREATE INDEX ix_zabbix_template_group_name ON zabbix_template_group (name);
CREATE INDEX ix_zabbix_host_group_name ON zabbix_host_group (name);
CREATE INDEX ix_zabbix_proxy_name ON zabbix_proxy (name);
CREATE INDEX ix_zabbix_proxy_group_name ON zabbix_proxy_group (name);
CREATE INDEX ix_host_config_status_checked_at ON host_config_status (checked_at);
CREATE INDEX ix_maintenance_window_end ON maintenance_window ("end");
CREATE INDEX ix_event_log_job_finished_at ON event_log (job, finished_at);
CREATE INDEX ix_event_log_finished_at ON event_log (finished_at);
COMMIT;
